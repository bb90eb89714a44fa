import { randomUUID } from 'node:crypto';
import { INSTANCE_HEADER } from './balancer.ts';
import type { Http, HttpResult } from './http.ts';
import type { SimRunner } from './runner.ts';

// A runner asking the coach (POST /api/coach/chat): the answer is a text/event-stream read to
// its end; it ends with `done` (the reply is stored) or `error`. A failure before the stream
// opens is a plain JSON error (503 coach_unavailable when trying again can help).

export interface ChatOutcome {
  status: HttpResult['status'];
  /** `done` or `error` (the stream's last event), or the JSON error code. */
  ending: string;
  ms: number;
  messageId: string;
  /** HTTP attempts (more than 1 when the client sent it again after a lost answer, behind a balancer). */
  attempts: number;
  /** Behind a balancer: the instance that answered the last attempt. */
  instance?: string;
}

/** As the app does: a message asked while another request still answers it is asked again a little later. */
const REPLY_WAIT_ATTEMPTS = 15;
const REPLY_WAIT_MS = 2000;

export async function askCoach(http: Http, runner: SimRunner, options: { messageId?: string; timeoutMs?: number; route?: string } = {}): Promise<ChatOutcome> {
  const messageId = options.messageId ?? randomUUID();
  let attempts = 0;
  let waited = 0;
  for (;;) {
    const outcome = await askOnce(http, runner, messageId, options);
    attempts += outcome.attempts;
    // Another instance still holds the reply (a racing retry, or one that died mid-answer and
    // whose claim has not run out yet): the stored reply, or a fresh one, comes on a later ask.
    if (outcome.ending !== 'reply_in_progress' || ++waited >= REPLY_WAIT_ATTEMPTS) return { ...outcome, attempts };
    await new Promise((resolve) => setTimeout(resolve, REPLY_WAIT_MS));
  }
}

async function askOnce(http: Http, runner: SimRunner, messageId: string, options: { timeoutMs?: number; route?: string }): Promise<ChatOutcome> {
  const res = await http.call(options.route ?? 'coach.chat', 'POST', '/api/coach/chat', {
    cookie: runner.cookie,
    body: { message: `How should I run tomorrow? (${messageId.slice(0, 8)})`, client_message_id: messageId },
    timeoutMs: options.timeoutMs ?? 90_000,
  });
  let ending: string;
  if (res.status === 200) {
    const events = [...res.text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]!);
    ending = events.at(-1) ?? 'empty';
    if (ending === 'done') runner.intent.chatAnswered.add(messageId);
  } else {
    ending = res.json?.error?.code ?? res.error ?? String(res.status);
  }
  const instance = res.headers?.get(INSTANCE_HEADER) ?? undefined;
  return { status: res.status, ending, ms: res.ms, messageId, attempts: res.attempts ?? 1, ...(instance ? { instance } : {}) };
}
