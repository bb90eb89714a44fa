import { describe, expect, it } from 'vitest';
import { awaitingReply } from './unanswered.ts';

const user = (id: string, pending = false) => ({ id, role: 'user', content: `message ${id}`, pending });
const coach = (id: string) => ({ id, role: 'assistant', content: 'reply', pending: false });

describe('the message the coach should answer', () => {
  it('is the last message when it is the runner’s and has reached the server', () => {
    expect(awaitingReply([user('a'), coach('b'), user('c'), user('d')])?.id).toBe('d');
  });

  it('is none while the last message is still only on this phone, or the coach spoke last', () => {
    expect(awaitingReply([user('a'), user('b', true)])).toBeNull();
    expect(awaitingReply([user('a'), coach('b')])).toBeNull();
    expect(awaitingReply([])).toBeNull();
  });
});
