import { describe, expect, it } from 'vitest';
import { conversationsOf, latestConversation, threadOf } from './conversations.ts';

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b1';
const message = (id: string, conversation_id: string | null, minute: number, content = `message ${id}`) => ({
  id,
  conversation_id,
  content,
  created_at: `2026-03-02T07:${String(minute).padStart(2, '0')}:00.000Z`,
});

describe('coach conversations', () => {
  const history = [
    message('1', A, 0, 'Can I   move my long run to Sunday this week please?'),
    message('2', A, 1),
    message('3', B, 2),
    message('4', A, 3),
    message('5', null, 4),
  ];

  it('lists threads most recently active first, titled by their first words', () => {
    expect(conversationsOf(history)).toEqual([
      { id: A, started_at: '2026-03-02T07:00:00.000Z', title: 'Can I move my long run to Sunday this w…', messages: 3 },
      { id: B, started_at: '2026-03-02T07:02:00.000Z', title: 'message 3', messages: 1 },
    ]);
    expect(latestConversation(history)).toBe(A);
    expect(latestConversation([])).toBeNull();
  });

  it('shows a message not filed yet with the latest conversation, where the server will file it', () => {
    expect(threadOf(history, A).map((m) => m.id)).toEqual(['1', '2', '4', '5']);
    expect(threadOf(history, B).map((m) => m.id)).toEqual(['3']);
    expect(threadOf([message('9', null, 0)], null).map((m) => m.id)).toEqual(['9']);
  });
});
