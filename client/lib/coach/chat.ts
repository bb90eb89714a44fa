import { StreamErrorSchema, type StreamError } from '#shared/errors/envelope.ts';
import { wordsFor } from '#shared/errors/registry.ts';
import type { Proposal } from '#shared/schema/coach.ts';
import { api } from '../api/client.ts';
import { CodedError, errorCode, errorFromAnswer } from '../errors.ts';
import { readSse } from './sse.ts';

// The coach's endpoints: status, the streamed chat reply, and deciding a proposal.

/** GET /api/coach/status. */
export interface CoachStatus {
  configured: boolean;
  model: string | null;
  strava_data_in_ai: boolean;
  budget: { limit: number; used: number; remaining: number; resets_at: string };
}

/** A stored chat message as the server sends it. */
export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  metadata: { proposals?: Proposal[] } & Record<string, unknown>;
  created_at: string;
}

/** What the stream reports, in order: start, then deltas/tools/proposals, then done or error. */
export type ChatEvent =
  | { type: 'start'; message_id: string }
  | { type: 'delta'; text: string }
  | { type: 'tool'; name: string }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'done'; message: ChatMessage | null }
  | ({ type: 'error' } & StreamError);

/** Whether the coach is set up on this server, and today's budget. */
export function coachStatus(): Promise<CoachStatus> {
  return api<CoachStatus>('GET', '/coach/status');
}

/** While another request is answering the same message: how often, and how long, to ask again (the server's claim lease is 20 s). */
const REPLY_WAIT_ATTEMPTS = 10;
const REPLY_WAIT_MS = 3000;

/**
 * Sends a message (in `conversationId`'s thread when given, else the latest) and calls `onEvent`
 * for each streamed event. Errors before the stream starts (not configured, over budget,
 * offline) throw a CodedError, as api() does.
 */
export async function streamChat(
  message: string,
  clientMessageId: string,
  onEvent: (event: ChatEvent) => void,
  options: { signal?: AbortSignal; conversationId?: string | undefined } = {},
): Promise<void> {
  const { signal, conversationId } = options;
  let response: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      response = await fetch('/api/coach/chat', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message, client_message_id: clientMessageId, ...(conversationId ? { conversation_id: conversationId } : {}) }),
        ...(signal ? { signal } : {}),
      });
    } catch {
      throw new CodedError('offline');
    }
    if (response.ok && response.body) break;
    const error = errorFromAnswer(response.status, await response.json().catch(() => null));
    // Asked again while the server is still answering it (or a server that died mid-answer still
    // holds it for a few seconds): wait, then either the stored reply or a fresh one arrives.
    if (errorCode(error) === 'reply_in_progress' && attempt < REPLY_WAIT_ATTEMPTS && !signal?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, REPLY_WAIT_MS));
      continue;
    }
    throw error;
  }
  let finished = false;
  for await (const { event, data } of readSse(response.body, signal)) {
    const payload = JSON.parse(data) as Record<string, unknown>;
    onEvent(event === 'error' ? streamError(payload) : ({ type: event, ...payload } as ChatEvent));
    if (event === 'done' || event === 'error') finished = true;
  }
  if (!finished) onEvent(cutOff());
}

/** The stream's `error` event, in the wire's one error shape (one this build cannot read counts as cut off). */
function streamError(payload: unknown): ChatEvent {
  const parsed = StreamErrorSchema.safeParse(payload);
  return parsed.success ? { type: 'error', ...parsed.data } : cutOff();
}

/** The stream ended without `done` or `error`: the connection dropped mid-reply. */
function cutOff(): ChatEvent {
  return { type: 'error', code: 'reply_cut_off', message: wordsFor('reply_cut_off'), retryable: true, status: 0, stored_message: null };
}

/** Accepts or rejects a proposal; answers the updated proposal. */
export async function decideProposal(id: string, decision: 'accept' | 'reject'): Promise<Proposal> {
  return (await api<{ proposal: Proposal }>('POST', `/coach/proposals/${id}/${decision}`)).proposal;
}
