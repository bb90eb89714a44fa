import { MUTATION_ARGS } from '#shared/sync/mutation-args.ts';
import type { ViewRow } from './db.ts';
import { defineMutation } from './define.ts';
import type { ChatMessageRow } from './readers-activity.ts';

// The runner's chat message, written on the phone (offline too) and carried by sync, as
// server/coach/chat-store.ts stores it: once by its client-made id. The server does not answer a
// synced message by itself: the Coach screen asks for the reply (POST /api/coach/chat with the
// same id) when it is open and online, so the coach answers the runner who is there to read it.

/** What the server's chat.send stores in `metadata`: the message came through sync. */
export const VIA_SYNC = { via: 'sync' } as const;

export const chatSend = defineMutation({
  name: 'chat.send',
  v: 1,
  args: MUTATION_ARGS['chat.send@1'],
  keys: (args) => [{ entity: 'chat_messages', key: args.id }],
  apply(ctx, { id, content, conversation_id }) {
    // Stored once: an id already used keeps its first words (the server refuses other words).
    if (ctx.get('chat_messages', id)) return;
    const row: ChatMessageRow = {
      id,
      user_id: ctx.userId,
      conversation_id: conversation_id ?? null,
      role: 'user',
      content,
      context_snapshot: null,
      metadata: { ...VIA_SYNC },
      created_at: ctx.now,
    };
    ctx.put('chat_messages', { ...row, _hlc: {} } satisfies ViewRow);
  },
});
