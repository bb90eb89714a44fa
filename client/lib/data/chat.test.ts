// First, before Dexie loads: its liveQuery needs the IndexedDB globals present at import time.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHlc } from '#shared/sync/hlc.ts';
import { chatSend } from './chat.ts';
import type { UserDb } from './db.ts';
import { RowOverlay } from './define.ts';
import { mutate, MutationInvalidError } from './mutations.ts';
import { firstValue, openFreshUserDb } from './test-kit.ts';
import { pendingCount$ } from './readers.ts';
import { chatMessages$ } from './readers-activity.ts';

const USER = '00000000-0000-4000-8000-000000000001';
const MESSAGE = '00000000-0000-4000-8000-0000000000c1';
const CONVERSATION = '00000000-0000-4000-8000-0000000000d1';
const now = Date.parse('2026-03-02T07:00:00Z');
let db: UserDb;

async function open(): Promise<UserDb> {
  db = await openFreshUserDb(USER, () => now);
  return db;
}
afterEach(() => db.close());


describe('chat.send on the phone', () => {
  it('stores the message and its outbox entry together, shown as pending until sync delivers it', async () => {
    await open();
    const id = await mutate(db, 'chat.send', { id: MESSAGE, content: '  Can I move my long run?  ' });
    const [entry] = await db.outbox.toArray();
    expect(entry).toMatchObject({ id, name: 'chat.send', v: 1, args: { id: MESSAGE, content: 'Can I move my long run?' } });
    const shown = await firstValue(chatMessages$(db));
    expect(shown).toEqual([
      {
        id: MESSAGE,
        user_id: USER,
        conversation_id: null,
        role: 'user',
        content: 'Can I move my long run?',
        context_snapshot: null,
        metadata: { via: 'sync' },
        created_at: new Date(parseHlc(entry!.hlc)!.wallMs).toISOString(),
        pending: true,
      },
    ]);
    expect(await firstValue(pendingCount$(db))).toBe(1);
  });

  it('files the message under the conversation it was written in', async () => {
    await open();
    await mutate(db, 'chat.send', { id: MESSAGE, content: 'New thread', conversation_id: CONVERSATION });
    const [entry] = await db.outbox.toArray();
    expect(entry!.args).toEqual({ id: MESSAGE, content: 'New thread', conversation_id: CONVERSATION });
    expect(await firstValue(chatMessages$(db))).toEqual([expect.objectContaining({ id: MESSAGE, conversation_id: CONVERSATION, pending: true })]);
  });

  it('refuses an empty or over-long message before anything is written', async () => {
    await open();
    await expect(mutate(db, 'chat.send', { id: MESSAGE, content: '   ' })).rejects.toBeInstanceOf(MutationInvalidError);
    await expect(mutate(db, 'chat.send', { id: MESSAGE, content: 'x'.repeat(4001) })).rejects.toBeInstanceOf(MutationInvalidError);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.view('chat_messages').count()).toBe(0);
  });

  it('keeps the first words of a message id, as the server does', () => {
    const stored = { id: MESSAGE, user_id: USER, conversation_id: CONVERSATION, role: 'user', content: 'first', context_snapshot: null, metadata: {}, created_at: '2026-03-02T06:00:00.000Z', _hlc: {} };
    const overlay = new RowOverlay(new Map([[`chat_messages:${MESSAGE}`, stored]]));
    chatSend.apply(overlay.context(USER, 'hlc', '2026-03-02T07:00:00.000Z'), { id: MESSAGE, content: 'other words' });
    expect(overlay.writes()).toEqual([]);
  });
});
