import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { wordsFor } from '#shared/errors/registry.ts';
import type { ChatRequest, ContextSnapshot } from '#shared/schema/coach.ts';
import { estimateTokens } from './claude/budget.ts';
import type { Claude } from './claude/client.ts';
import { ClaudeError, toAppError } from './claude/errors.ts';
import { checkClientMessage, conversationFor, insertUserMessage, publicMessage, storeReply, type ChatRow } from './chat-store.ts';
import { chatMessages } from '../db/schema.ts';
import { getProfile } from '../profile/profile.ts';
import { fitnessRuns } from '../profile/training-context.ts';
import type { AppDeps } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { buildCoachContext } from './context.ts';
import { runnerFmt } from './context-blocks.ts';
import { coachReply, type CoachEvent, type ReplyOutcome } from './converse.ts';
import { SseStream } from './sse.ts';
import { coachTools } from './tools.ts';
import { claimReply, releaseReply, renewWhileReplying } from './reply-claims.ts';
import { TokenBudget } from './usage.ts';

// POST /api/coach/chat from request to stored reply. Order matters: the budget is checked
// before anything is stored or sent; the runner's message is stored once; the HTTP answer
// becomes a stream only once the coach has something to say, so a failure before that is a
// plain JSON error (503, retryable); after that, failures arrive as an SSE `error` event and
// whatever text arrived is stored, marked interrupted.

const TOOLS_TOKENS = estimateTokens(JSON.stringify(coachTools()));

/** Answers one chat message as a text/event-stream Response (or throws an AppError before streaming). */
export async function chatResponse(deps: AppDeps, claude: Claude, user: { id: string; name: string }, request: ChatRequest): Promise<Response> {
  const userId = user.id;
  const now = deps.now();
  const profile = await getProfile(deps.db, userId);
  const budget = new TokenBudget(deps.db, userId, deps.config.anthropic.dailyTokenBudget, now, profile.time_zone);
  const messageId = request.client_message_id ?? randomUUID();
  if (request.client_message_id) {
    const reply = await checkClientMessage(deps.db, userId, messageId, request.message);
    if (reply) return replay(messageId, reply);
  }
  const dataInAi = deps.config.strava.dataInAi;
  // A message already stored (sent offline through sync) keeps the conversation it was stored in.
  const conversationId = (await storedConversation(deps, userId, messageId)) ?? (await conversationFor(deps.db, userId, request.conversation_id));
  const context = await buildCoachContext(deps.db, userId, {
    now,
    profile,
    userName: user.name,
    dataInAi,
    current: request.message,
    currentId: messageId,
    conversationId,
    reservedTokens: TOOLS_TOKENS,
  });
  await budget.require(context.tokens);
  // A concurrent retry (on this instance or another) gets a 409, not a second reply.
  if (!(await claimReply(deps.db, userId, messageId, now))) throw new AppError('reply_in_progress');
  const claimTrouble = (error: unknown) =>
    deps.log.warn('coach reply claim not renewed or released', { user_id: userId, code: (error as { code?: string }).code });
  const stopRenewing = renewWhileReplying(deps.db, messageId, deps.now, claimTrouble);
  const release = () => {
    stopRenewing();
    return releaseReply(deps.db, messageId).catch(claimTrouble);
  };
  if (request.client_message_id) {
    // The first answer may have been stored between the check above and the claim.
    const reply = await checkClientMessage(deps.db, userId, messageId, request.message).catch(async (error: unknown) => {
      await release();
      throw error;
    });
    if (reply) {
      await release();
      return replay(messageId, reply);
    }
  }

  const sse = new SseStream();
  const abort = new AbortController();
  sse.whenCancelled(() => abort.abort());
  sse.send('start', { message_id: messageId });
  let opened = false;
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  // The call to Claude starts first; storing the runner's message overlaps its first round trip.
  const model = deps.config.anthropic.models.chat;
  const reply = coachReply({
    claude,
    model,
    system: context.systemBlocks,
    messages: context.messages,
    tools: {
      db: deps.db,
      userId,
      now,
      today: context.today,
      dataInAi,
      fmt: runnerFmt(profile, null, context.today, await fitnessRuns(deps.db, userId, context.today)),
    },
    signal: abort.signal,
    emit: (event) => {
      sse.send(event.type, payload(event));
      if (!opened) {
        opened = true;
        open();
      }
    },
    onUsage: async (usage) => {
      await budget.record(usage, { job: 'chat', model });
      return budget.allows(context.tokens);
    },
  });
  try {
    await insertUserMessage(deps.db, userId, messageId, request.message, now, conversationId);
  } catch (error) {
    // Not stored (an id taken in the meantime): nothing may be answered either.
    abort.abort();
    await reply.catch(() => undefined);
    await release();
    throw error;
  }

  const finish = async (outcome: ReplyOutcome) => {
    const stored = outcome.text || outcome.proposals.length ? await store(deps, userId, messageId, model, outcome, context.snapshot) : null;
    deps.log.info('coach reply', {
      user_id: userId,
      turns: outcome.turns,
      tools: outcome.toolCalls,
      interrupted: outcome.interrupted,
      ...outcome.usage,
      context_changed: context.changed,
    });
    if (!outcome.interrupted) {
      sse.send('done', { message: stored ? publicMessage(stored) : null, usage: outcome.usage });
    } else {
      const why = outcome.error ?? new ClaudeError('aborted');
      const error = stored ? new AppError('coach_interrupted', { message: `${wordsFor('coach_interrupted')} (${why.message})` }) : toAppError(why);
      sse.sendError(error, { retryable: why.retryable, storedMessage: stored ? publicMessage(stored) : null });
    }
    sse.close();
  };
  const fail = (error: unknown) => {
    deps.log.error('coach reply failed', { user_id: userId, error: error instanceof Error ? error.message : String(error) });
    sse.sendError(new AppError('internal_error'), { retryable: true, storedMessage: null });
    sse.close();
  };

  await Promise.race([
    gate,
    reply.then(
      () => undefined,
      () => undefined,
    ),
  ]);
  if (!opened) {
    try {
      await finish(await reply);
    } catch (error) {
      // Nothing reached the runner yet: answer with the JSON envelope (503 when retrying helps).
      sse.close();
      if (error instanceof ClaudeError) throw toAppError(error);
      throw error;
    } finally {
      await release();
    }
    return sse.response();
  }
  void reply.then(finish, fail).catch(fail).finally(release);
  return sse.response();
}

function payload(event: CoachEvent): unknown {
  if (event.type === 'delta') return { text: event.text };
  if (event.type === 'tool') return { name: event.name };
  return { proposal: event.proposal };
}

/** The conversation of a message the runner already stored, if any. */
async function storedConversation(deps: AppDeps, userId: string, messageId: string): Promise<string | null> {
  const [row] = await deps.db
    .select({ id: chatMessages.conversation_id })
    .from(chatMessages)
    .where(and(eq(chatMessages.id, messageId), eq(chatMessages.user_id, userId)));
  return row?.id ?? null;
}

async function store(
  deps: AppDeps,
  userId: string,
  messageId: string,
  model: string,
  outcome: ReplyOutcome,
  contextSnapshot: ContextSnapshot,
): Promise<ChatRow> {
  const metadata: Record<string, unknown> = {
    model,
    usage: outcome.usage,
    ...(outcome.toolCalls.length ? { tool_calls: outcome.toolCalls } : {}),
    ...(outcome.proposals.length ? { proposals: outcome.proposals } : {}),
    ...(outcome.interrupted ? { interrupted: true, interrupted_reason: outcome.error?.kind ?? 'disconnected' } : {}),
    ...(outcome.budgetStopped ? { budget_stopped: true } : {}),
  };
  return storeReply(deps.db, userId, messageId, { content: outcome.text, metadata, contextSnapshot }, deps.now());
}

/** A reply already stored for this message id: sent again as the same events, without asking Claude. */
function replay(messageId: string, reply: ChatRow): Response {
  const sse = new SseStream();
  sse.send('start', { message_id: messageId, replayed: true });
  if (reply.content) sse.send('delta', { text: reply.content });
  for (const proposal of (reply.metadata as { proposals?: unknown[] }).proposals ?? []) sse.send('proposal', { proposal });
  sse.send('done', { message: publicMessage(reply), replayed: true });
  sse.close();
  return sse.response();
}
