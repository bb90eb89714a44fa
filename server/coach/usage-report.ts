import { and, eq, gte, lte, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { IsoDateSchema } from '#shared/schema/goal.ts';
import type { Executor } from '../db/database.ts';
import { coachCalls, users } from '../db/schema.ts';
import { costOf, priceOf, type Price } from './claude/prices.ts';

// `npm run coach:usage`: what the coach costs, per runner per day or month, from the per-call
// rows (the API's own usage fields) priced by the table in prices.ts with COACH_PRICES on top.
// The operator's number for "can I host a club": cost per runner per month.

/** The report's filters, as the CLI and the admin endpoint take them. */
export const CoachUsageQuerySchema = z
  .object({
    since: IsoDateSchema.optional(),
    until: IsoDateSchema.optional(),
    user: z.uuid().optional(),
    by: z.enum(['day', 'month']).default('day'),
  })
  .strict();
export type CoachUsageQuery = z.input<typeof CoachUsageQuerySchema>;

/** One runner's usage in one period. */
export interface UsageRow {
  period: string;
  user_id: string;
  email: string;
  calls: number;
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  /** Share of prompt tokens served from the cache. */
  cache_share: number;
  cost_usd: number;
  /** Models priced by a guess (no default family matched and no COACH_PRICES entry). */
  unpriced_models: string[];
}

/** The report: a row per runner and period, and the totals. */
export interface UsageReport {
  by: 'day' | 'month';
  rows: UsageRow[];
  total: Omit<UsageRow, 'period' | 'user_id' | 'email'> & { runners: number; cost_per_runner_usd: number };
}

/** Sums coach_calls by runner and period (model and batch kept apart for pricing, then folded). */
export async function coachUsageReport(db: Executor, query: CoachUsageQuery, prices: Record<string, Price>): Promise<UsageReport> {
  const q = CoachUsageQuerySchema.parse(query);
  const period = q.by === 'month' ? sql<string>`substr(${coachCalls.day}::text, 1, 7)` : sql<string>`${coachCalls.day}::text`;
  const where: SQL[] = [];
  if (q.since) where.push(gte(coachCalls.day, q.since));
  if (q.until) where.push(lte(coachCalls.day, q.until));
  if (q.user) where.push(eq(coachCalls.user_id, q.user));
  const sum = (column: AnyColumn) => sql<string>`sum(${column})`;
  const groups = await db
    .select({
      period,
      user_id: coachCalls.user_id,
      email: users.email,
      model: coachCalls.model,
      batch: coachCalls.batch,
      calls: sql<string>`count(*)`,
      input_tokens: sum(coachCalls.input_tokens),
      cache_creation_input_tokens: sum(coachCalls.cache_creation_input_tokens),
      cache_read_input_tokens: sum(coachCalls.cache_read_input_tokens),
      output_tokens: sum(coachCalls.output_tokens),
    })
    .from(coachCalls)
    .innerJoin(users, eq(users.id, coachCalls.user_id))
    .where(where.length ? and(...where) : undefined)
    .groupBy(period, coachCalls.user_id, users.email, coachCalls.model, coachCalls.batch);

  const rows = new Map<string, UsageRow>();
  for (const g of groups) {
    const key = `${g.period}|${g.user_id}`;
    const row = rows.get(key) ?? {
      period: g.period,
      user_id: g.user_id,
      email: g.email,
      calls: 0,
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
      cache_share: 0,
      cost_usd: 0,
      unpriced_models: [],
    };
    const usage = {
      input_tokens: Number(g.input_tokens),
      output_tokens: Number(g.output_tokens),
      cache_creation_input_tokens: Number(g.cache_creation_input_tokens),
      cache_read_input_tokens: Number(g.cache_read_input_tokens),
    };
    const price = priceOf(g.model, prices);
    row.calls += Number(g.calls);
    row.input_tokens += usage.input_tokens;
    row.output_tokens += usage.output_tokens;
    row.cache_creation_input_tokens += usage.cache_creation_input_tokens;
    row.cache_read_input_tokens += usage.cache_read_input_tokens;
    row.cost_usd += costOf(usage, price, g.batch);
    if (!price.known && !row.unpriced_models.includes(g.model)) row.unpriced_models.push(g.model);
    rows.set(key, row);
  }
  const list = [...rows.values()].sort((a, b) => a.period.localeCompare(b.period) || a.email.localeCompare(b.email));
  for (const row of list) row.cache_share = share(row);
  const total = {
    runners: new Set(list.map((r) => r.user_id)).size,
    calls: 0,
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    cache_share: 0,
    cost_usd: 0,
    cost_per_runner_usd: 0,
    unpriced_models: [] as string[],
  };
  for (const row of list) {
    total.calls += row.calls;
    total.input_tokens += row.input_tokens;
    total.cache_creation_input_tokens += row.cache_creation_input_tokens;
    total.cache_read_input_tokens += row.cache_read_input_tokens;
    total.output_tokens += row.output_tokens;
    total.cost_usd += row.cost_usd;
    for (const m of row.unpriced_models) if (!total.unpriced_models.includes(m)) total.unpriced_models.push(m);
  }
  total.cache_share = share(total);
  total.cost_per_runner_usd = total.runners ? total.cost_usd / total.runners : 0;
  return { by: q.by, rows: list, total };
}

function share(u: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }): number {
  const prompt = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
  return prompt ? u.cache_read_input_tokens / prompt : 0;
}
