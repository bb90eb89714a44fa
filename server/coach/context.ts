import type Anthropic from '@anthropic-ai/sdk';
import { and, count, desc, eq, ne } from 'drizzle-orm';
import type { ContextSnapshot } from '#shared/schema/coach.ts';
import type { Feasibility } from '#shared/schema/goal.ts';
import { addDays } from '#shared/training/dates.ts';
import { assessGoal } from '#shared/training/feasibility.ts';
import type { Executor } from '../db/database.ts';
import { chatMessages, trainingPlans, users, type userProfiles } from '../db/schema.ts';
import { recentMessages, type ChatRow } from './chat-store.ts';
import { engineGoal, listGoals } from '../goals/goals.ts';
import { listMemories, type MemoryRow } from './memory-store.ts';
import { getProfile } from '../profile/profile.ts';
import { localDate } from '../lib/write-stamp.ts';
import { engineProfile, fitnessRuns } from '../profile/training-context.ts';
import type { WorkoutRow } from '../workouts/workouts.ts';
import { estimateTokens } from './claude/budget.ts';
import {
  goalsBlock,
  runnerFmt,
  laterPlanBlock,
  nearPlanBlock,
  notesMemoryBlock,
  profileBlock,
  readinessBlock,
  recentBlock,
  totalsBlock,
  weeksMemoryBlock,
  type Block,
} from './context-blocks.ts';
import { listCheckins } from '../fitness/readiness.ts';
import { allowedActivities, allowedCompletions, allowedTotals, planWorkoutsForAi, type AiCompletion } from './policy.ts';
import { COACH_PRINCIPLES, DATA_HEADING } from './prompt.ts';
import { cachedBlocks } from './context-cache.ts';
import { cachedSystem } from './cache-layout.ts';

type ProfileRow = typeof userProfiles.$inferSelect;

// Builds what the coach knows for one request: the principles, then the runner's own data
// (profile, goals and feasibility, the plan, recent training, memories) and the last chat
// messages, within a token budget. Only this runner's rows are read, and only allowed sources
// (policy.ts): Strava data stays out unless the operator enabled STRAVA_DATA_IN_AI.
// The system prompt comes in three sections for the prompt cache (cache-layout.ts): the
// principles, the runner's slow blocks, the volatile ones. The history window moves in steps
// of HISTORY_STEP messages, so its start (and the cached conversation) holds for several turns.

/** Blocks that change rarely (a profile edit, a new goal or memory, a re-plan): cached before the volatile ones. */
const SLOW_BLOCKS = ['profile', 'goals', 'memory', 'weeks', 'later'];
/** Blocks that change with training (a run logged, a workout moved): after the slow ones. */
const VOLATILE_BLOCKS = ['plan', 'readiness', 'recent', 'totals'];
/** The history window starts at a multiple of this many messages (it holds `historyLimit` to `historyLimit + HISTORY_STEP - 1`). */
const HISTORY_STEP = 10;

/** How to build the context: the clock, the Strava policy flag, the budget and the new message. */
export interface ContextOptions {
  now: Date;
  /** The runner's name, when the caller already has it (the session does). */
  userName?: string;
  /** The runner's profile row, when the caller already has it. */
  profile?: ProfileRow;
  dataInAi: boolean;
  /** The whole prompt (system + messages + `reservedTokens`) stays under this estimate. */
  maxTokens?: number;
  /** Tokens already spoken for (tool definitions). */
  reservedTokens?: number;
  historyLimit?: number;
  /** The runner's new message, appended last. */
  current?: string;
  /** The stored id of `current`, so it is not also read back as history. */
  currentId?: string;
  /** The conversation the history comes from (Runaway's threads); without it, all of the runner's messages. */
  conversationId?: string;
}

/** The system prompt and messages for one request, with what made it in. */
export interface CoachContext {
  /** The whole system prompt as text (what the blocks below say, joined). */
  system: string;
  /** The system prompt as sent: principles, slow blocks, volatile blocks, each a cache breakpoint. */
  systemBlocks: Anthropic.TextBlockParam[];
  /** Runner-data blocks whose text changed since this runner's previous context (all of them on a cold build, none on a cache hit). */
  changed: string[];
  messages: Anthropic.MessageParam[];
  /** Estimated input tokens of system + messages + reserved. */
  tokens: number;
  /** Blocks that made it in, and how many of their lines. */
  included: Record<string, number>;
  today: string;
  timeZone: string;
  /** What the coach was shown, kept on its reply (chat_messages.context_snapshot). */
  snapshot: ContextSnapshot;
}

const DEFAULT_MAX_TOKENS = 12_000;

/** Everything the coach may know for one reply, bounded in tokens; only `userId`'s data. */
export async function buildCoachContext(db: Executor, userId: string, options: ContextOptions): Promise<CoachContext> {
  const profile = options.profile ?? (await getProfile(db, userId));
  const today = localDate(options.now, profile.time_zone);
  const name = options.userName ?? (await db.select({ name: users.name }).from(users).where(eq(users.id, userId)))[0]?.name ?? 'Runner';
  const facets = `${today}|${options.dataInAi}|${name}`;
  const { blocks, changed } = await cachedBlocks(db, userId, facets, () => runnerBlocks(db, userId, profile, name, today, options.dataInAi));
  const history = await historyWindow(db, userId, options.historyLimit ?? 20, options.currentId, options.conversationId);
  const built = fit(blocks, history, options, today, profile.time_zone);
  const snapshot: ContextSnapshot = {
    built_at: options.now.toISOString(),
    today,
    strava_data_included: options.dataInAi,
    conversation_id: options.conversationId ?? null,
    blocks: built.included,
    // fit() keeps the newest messages that fit the budget.
    history_message_ids: history.slice(history.length - (built.included.history ?? 0)).map((m) => m.id),
    // fit() keeps each block's first lines: the memories behind them are the ones the coach saw.
    memory_ids: blocks.flatMap((b) => b.ids?.slice(0, built.included[b.key] ?? 0) ?? []),
    estimated_tokens: built.tokens,
  };
  return { ...built, changed, snapshot };
}

/** The last messages, from a start that moves only every HISTORY_STEP messages (so the cached conversation stays valid). */
async function historyWindow(
  db: Executor,
  userId: string,
  limit: number,
  currentId: string | undefined,
  conversationId: string | undefined,
): Promise<ChatRow[]> {
  const [rows, [total]] = await Promise.all([
    recentMessages(db, userId, limit + HISTORY_STEP - 1, { excludeId: currentId, conversationId }),
    db
      .select({ n: count() })
      .from(chatMessages)
      .where(
        and(
          eq(chatMessages.user_id, userId),
          currentId ? ne(chatMessages.id, currentId) : undefined,
          conversationId ? eq(chatMessages.conversation_id, conversationId) : undefined,
        ),
      ),
  ]);
  const n = Number(total?.n ?? rows.length);
  const start = Math.max(0, Math.floor((n - limit) / HISTORY_STEP) * HISTORY_STEP);
  return rows.slice(Math.max(0, rows.length - (n - start)));
}

/** The runner-data blocks (everything but the chat), from allowed sources only. */
async function runnerBlocks(db: Executor, userId: string, profile: ProfileRow, name: string, today: string, dataInAi: boolean): Promise<Block[]> {
  const from = addDays(today, -28);
  // Independent reads: concurrent on Postgres (PGlite serialises them anyway).
  const [allGoals, [plan], completions, runsOldestFirst, allMemories, totals, checkins] = await Promise.all([
    listGoals(db, userId),
    db
      .select()
      .from(trainingPlans)
      .where(and(eq(trainingPlans.user_id, userId), eq(trainingPlans.status, 'active')))
      .orderBy(desc(trainingPlans.created_at))
      .limit(1),
    allowedCompletions(db, userId, from, today, dataInAi),
    allowedActivities(db, userId, from, today, dataInAi),
    listMemories(db, userId),
    allowedTotals(db, userId, today, dataInAi),
    // Three weeks, so each of the last seven days has its usual resting HR to compare with.
    listCheckins(db, userId, addDays(today, -21), today),
  ]);
  const goals = allGoals.filter((g) => g.status === 'active' || g.status === 'flagged_unrealistic');
  // One read covers the last 3 weeks (for feasibility) and the next two (shown in detail).
  const { rows: planned, withheld } = plan
    ? await planWorkoutsForAi(db, userId, plan.id, addDays(today, -21), addDays(today, 13), dataInAi)
    : { rows: [], withheld: new Set<string>() };
  const near = planned.filter((w) => w.scheduled_date >= addDays(today, -1));
  const runs = runsOldestFirst.reverse();
  // The runs fitness is read from, so the coach quotes the paces every screen shows.
  const runnerRuns = await fitnessRuns(db, userId, today);
  const memories = allMemories.filter((m) => memoryAllowed(m, dataInAi));

  let feasibility: (g: (typeof goals)[number]) => Feasibility | null = () => null;
  try {
    const training = engineProfile(profile, runnerRuns);
    const recent = recentTraining(planned, today, completions);
    feasibility = (g) => assessGoal({ profile: training, goal: engineGoal(g), today, ...(recent ? { recent } : {}) });
  } catch {
    // An incomplete profile has no verdicts yet; the coach can still talk.
  }
  const f = runnerFmt(profile, goals[0] ? engineGoal(goals[0]) : null, today, runnerRuns);
  return [
    profileBlock(name, profile, today, f),
    goalsBlock(
      goals.map((row) => ({ row, feasibility: feasibility(row) })),
      f,
    ),
    nearPlanBlock(plan ?? null, near, f, withheld),
    notesMemoryBlock(memories),
    readinessBlock(checkins, f),
    recentBlock(completions, runs, f),
    totalsBlock(totals, f),
    weeksMemoryBlock(memories.filter((m) => m.summary_type === 'training_week').slice(0, 12)),
    laterPlanBlock(plan ?? null, addDays(today, 14), f),
  ];
}

/** A memory written from Strava data may only be used while the operator allows it. */
function memoryAllowed(m: MemoryRow, dataInAi: boolean): boolean {
  return dataInAi || (m.data as { strava_included?: boolean }).strava_included !== true;
}

/** Planned vs completed distance over the last 3 weeks, leaving out workouts whose outcome is withheld. */
function recentTraining(plan: WorkoutRow[], today: string, lastFourWeeks: AiCompletion[]) {
  const from = addDays(today, -21);
  const to = addDays(today, -1);
  const planned = plan.filter((w) => w.scheduled_date >= from && w.scheduled_date <= to).map((w) => ({ id: w.id, meters: w.estimated_distance_meters }));
  if (planned.length === 0) return null;
  const done = new Map<string, AiCompletion>(lastFourWeeks.filter((c) => c.date >= from && c.date <= to).map((c) => [c.workout_id, c]));
  const counted = planned.filter((w) => !done.get(w.id)?.withheld);
  const plannedMeters = counted.reduce((sum, w) => sum + (w.meters ?? 0), 0);
  const completedMeters = counted.reduce((sum, w) => {
    const c = done.get(w.id);
    return sum + (c && (c.status === 'completed' || c.status === 'partial') ? (c.distance_meters ?? w.meters ?? 0) : 0);
  }, 0);
  return plannedMeters > 0 ? { planned_meters: plannedMeters, completed_meters: completedMeters } : null;
}

function render(block: Block, lines: string[]): string {
  return `## ${block.title}\n${lines.join('\n')}`;
}

/** Fills the budget by priority (lines and messages most relevant first), then renders in reading order. */
function fit(blocks: Block[], history: ChatRow[], options: ContextOptions, today: string, timeZone: string): Omit<CoachContext, 'changed' | 'snapshot'> {
  const max = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const current = options.current ?? '';
  let used = estimateTokens(COACH_PRINCIPLES) + estimateTokens(DATA_HEADING) + estimateTokens(current) + (options.reservedTokens ?? 0) + 8;
  const kept = new Map<string, string[]>();
  const keptMessages: ChatRow[] = [];
  const HISTORY_PRIORITY = 4;
  const queue = [...blocks.map((b) => ({ priority: b.priority, block: b as Block | null })), { priority: HISTORY_PRIORITY, block: null }].sort(
    (a, b) => a.priority - b.priority,
  );
  for (const { block } of queue) {
    if (!block) {
      for (const message of [...history].reverse()) {
        const cost = estimateTokens(message.content) + 4;
        if (used + cost > max) break;
        used += cost;
        keptMessages.unshift(message);
      }
      continue;
    }
    const lines: string[] = [];
    let cost = estimateTokens(`## ${block.title}\n`) + 1;
    for (const line of block.lines) {
      const next = estimateTokens(line) + 1;
      if (used + cost + next > max) break;
      cost += next;
      lines.push(line);
    }
    if (lines.length === 0) continue;
    used += cost;
    kept.set(block.key, lines);
  }
  const section = (keys: string[]) =>
    keys
      .map((key) => blocks.find((b) => b.key === key))
      .filter((b): b is Block => b !== undefined && kept.has(b.key))
      .map((b) => render(b, kept.get(b.key)!))
      .join('\n\n');
  const systemBlocks = cachedSystem([`${COACH_PRINCIPLES}\n\n${DATA_HEADING}`, section(SLOW_BLOCKS), section(VOLATILE_BLOCKS)]);
  const system = systemBlocks.map((b) => b.text).join('\n\n');
  const messages = toMessages(keptMessages, current);
  const tokens =
    estimateTokens(system) +
    messages.reduce((sum, m) => sum + estimateTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content)), 0) +
    (options.reservedTokens ?? 0);
  const included = Object.fromEntries([...kept].map(([key, lines]) => [key, lines.length]));
  return { system, systemBlocks, messages, tokens, included: { ...included, history: keptMessages.length }, today, timeZone };
}

/** Chat rows as API messages: alternating roles, starting with the runner, the new message last. */
function toMessages(rows: ChatRow[], current: string): Anthropic.MessageParam[] {
  const out: { role: 'user' | 'assistant'; content: string }[] = [];
  const push = (role: 'user' | 'assistant', content: string) => {
    if (!content.trim()) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content += `\n\n${content}`;
    else out.push({ role, content });
  };
  for (const row of rows) {
    const interrupted = (row.metadata as { interrupted?: boolean }).interrupted === true;
    push(row.role, interrupted ? `${row.content}\n[this reply was cut off]` : row.content);
  }
  push('user', current);
  while (out[0]?.role === 'assistant') out.shift();
  return out;
}
