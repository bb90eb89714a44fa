import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { coachUsage } from '../db/schema.ts';
import { budgetExceededError, localDay, remainingBudget } from '../integrations/claude/budget.ts';
import type { Usage } from '../integrations/claude/client.ts';

// The per-user daily token budget (COACH_DAILY_TOKEN_BUDGET), counted in coach_usage by the
// runner's own calendar day. Every Claude call on a runner's behalf (chat, personalisation,
// weekly memory, journal narrative) is counted here.

/** Tokens the user spent on `day` (input + output). */
export async function tokensUsed(db: Executor, userId: string, day: string): Promise<number> {
  const [row] = await db
    .select({ input: coachUsage.input_tokens, output: coachUsage.output_tokens })
    .from(coachUsage)
    .where(and(eq(coachUsage.user_id, userId), eq(coachUsage.day, day)));
  return row ? row.input + row.output : 0;
}

/** Adds one call's usage to the user's day. */
export async function recordUsage(db: Executor, userId: string, day: string, usage: Usage, now: Date): Promise<void> {
  const input = Math.max(0, Math.round(usage.input_tokens));
  const output = Math.max(0, Math.round(usage.output_tokens));
  await db
    .insert(coachUsage)
    .values({ user_id: userId, day, input_tokens: input, output_tokens: output, calls: 1, updated_at: now })
    .onConflictDoUpdate({
      target: [coachUsage.user_id, coachUsage.day],
      set: {
        input_tokens: sql`${coachUsage.input_tokens} + ${input}`,
        output_tokens: sql`${coachUsage.output_tokens} + ${output}`,
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

  /** Counts a call's usage. */
  record(usage: Usage): Promise<void> {
    return recordUsage(this.db, this.userId, this.day, usage, this.now);
  }
}
