import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { coachCalls, coachUsage } from '../db/schema.ts';
import { budgetExceededError, localDay, remainingBudget } from './claude/budget.ts';
import type { Usage } from './claude/client.ts';
import { budgetTokens } from './claude/prices.ts';

// The per-user daily token budget (COACH_DAILY_TOKEN_BUDGET), counted in coach_usage by the
// runner's own calendar day from the API's own usage fields. Every Claude call on a runner's
// behalf (chat, personalisation, weekly memory, journal narrative) is counted here, and kept
// one row per call in coach_calls (job, model, the four token counts) for `npm run coach:usage`.
// The budget weighs prompt tokens by what they cost: a cache read counts 0.1, a cache write
// 1.25, so a runner's tenth question in a row costs far less of it than their first.

/** Which job a call served: each has its own model (config anthropic.models). */
export type CoachJob = 'chat' | 'personalize' | 'memory' | 'journal';

/** What a recorded call was: its job, model, and whether it came through a Message Batch. */
export interface CallInfo {
  job: CoachJob;
  model: string;
  batch?: boolean;
}

/** Budget tokens the user spent on `day`: input + output + 1.25 × cache writes + 0.1 × cache reads. */
export async function tokensUsed(db: Executor, userId: string, day: string): Promise<number> {
  const [row] = await db
    .select()
    .from(coachUsage)
    .where(and(eq(coachUsage.user_id, userId), eq(coachUsage.day, day)));
  return row ? Math.ceil(budgetTokens(row)) : 0;
}

/** Adds one call's usage to the user's day, and keeps the call's own row. */
export async function recordUsage(
  db: Executor,
  userId: string,
  day: string,
  usage: Usage,
  now: Date,
  call: CallInfo = { job: 'chat', model: 'unknown' },
): Promise<void> {
  const n = (value: number | undefined) => Math.max(0, Math.round(value ?? 0));
  const counts = {
    input_tokens: n(usage.input_tokens),
    output_tokens: n(usage.output_tokens),
    cache_creation_input_tokens: n(usage.cache_creation_input_tokens),
    cache_read_input_tokens: n(usage.cache_read_input_tokens),
  };
  await db.insert(coachCalls).values({ user_id: userId, day, at: now, job: call.job, model: call.model, batch: call.batch ?? false, ...counts });
  await db
    .insert(coachUsage)
    .values({ user_id: userId, day, ...counts, calls: 1, updated_at: now })
    .onConflictDoUpdate({
      target: [coachUsage.user_id, coachUsage.day],
      set: {
        input_tokens: sql`${coachUsage.input_tokens} + ${counts.input_tokens}`,
        output_tokens: sql`${coachUsage.output_tokens} + ${counts.output_tokens}`,
        cache_creation_input_tokens: sql`${coachUsage.cache_creation_input_tokens} + ${counts.cache_creation_input_tokens}`,
        cache_read_input_tokens: sql`${coachUsage.cache_read_input_tokens} + ${counts.cache_read_input_tokens}`,
        calls: sql`${coachUsage.calls} + 1`,
        updated_at: now,
      },
    });
}

/** One runner's budget for today: check before a call, record after it. */
export class TokenBudget {
  readonly day: string;

  constructor(
    private readonly db: Executor,
    private readonly userId: string,
    private readonly limit: number,
    private readonly now: Date,
    private readonly timeZone: string,
  ) {
    this.day = localDay(now, timeZone);
  }

  /** Tokens left today. */
  async remaining(): Promise<number> {
    return remainingBudget(await tokensUsed(this.db, this.userId, this.day), this.limit);
  }

  /** Whether a call of about `estimate` input tokens still fits today. */
  async allows(estimate: number): Promise<boolean> {
    const left = await this.remaining();
    return left > 0 && left >= estimate;
  }

  /** Throws the 429 (with Retry-After at the runner's midnight) unless `estimate` tokens fit. */
  async require(estimate: number): Promise<void> {
    if (!(await this.allows(estimate))) throw budgetExceededError({ now: this.now, timeZone: this.timeZone });
  }

  /** Counts a call's usage, for `call`'s job and model. */
  record(usage: Usage, call: CallInfo): Promise<void> {
    return recordUsage(this.db, this.userId, this.day, usage, this.now, call);
  }
}
