// The coach chat's threads (chat_messages.conversation_id, the Runaway seed's conversations),
// from the synced history. A message queued without a conversation (by a build before threads)
// has none until the server files it in the runner's latest conversation, so it is shown there.

interface MessageLike {
  conversation_id: string | null;
  content: string;
  created_at: string;
}

/** One thread as the Coach screen lists it. */
export interface Conversation {
  id: string;
  started_at: string;
  /** The first words of its first message. */
  title: string;
  messages: number;
}

/** Every conversation, most recently active first. `history` is oldest first, as chatMessages$ gives it. */
export function conversationsOf(history: readonly MessageLike[]): Conversation[] {
  const byId = new Map<string, Conversation & { last: string }>();
  for (const message of history) {
    if (message.conversation_id === null) continue;
    const known = byId.get(message.conversation_id);
    if (known) {
      known.messages++;
      known.last = message.created_at;
    } else {
      const words = message.content.trim().replace(/\s+/g, ' ');
      byId.set(message.conversation_id, {
        id: message.conversation_id,
        started_at: message.created_at,
        title: words.length > 40 ? `${words.slice(0, 39)}…` : words,
        messages: 1,
        last: message.created_at,
      });
    }
  }
  return [...byId.values()].sort((a, b) => b.last.localeCompare(a.last)).map(({ last: _last, ...conversation }) => conversation);
}

/** The latest conversation's id: the one the server files a message sent without one under. */
export function latestConversation(history: readonly MessageLike[]): string | null {
  return conversationsOf(history)[0]?.id ?? null;
}

/** The messages of one conversation, oldest first (those not filed yet go with the latest). */
export function threadOf<M extends MessageLike>(history: readonly M[], conversationId: string | null): M[] {
  const latest = latestConversation(history);
  return history.filter((m) => m.conversation_id === conversationId || (m.conversation_id === null && conversationId === latest));
}
