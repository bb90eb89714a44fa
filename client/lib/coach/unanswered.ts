// Which message the Coach screen should ask the coach to answer. A message written offline
// reaches the server through sync (chat.send), and the server does not answer it by itself:
// the screen asks, once the message is on the server and the runner is there to read it.

interface MessageLike {
  id: string;
  role: string;
  content: string;
  pending: boolean;
}

/**
 * The runner's last message when nothing came after it and sync has delivered it; null when the
 * conversation ends with the coach, or the message is still only on this phone. Earlier
 * unanswered messages are part of the conversation the coach reads when answering the last.
 */
export function awaitingReply<M extends MessageLike>(history: readonly M[]): M | null {
  const last = history.at(-1);
  return last && last.role === 'user' && !last.pending ? last : null;
}
