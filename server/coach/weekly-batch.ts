import { eq, isNull } from 'drizzle-orm';
import { WeeklyMemoryOutputSchema } from '#shared/schema/coach.ts';
import { coachBatches, userProfiles } from '../db/schema.ts';
import { memoryId } from './memory-store.ts';
import type { Claude } from './claude/client.ts';
import type { BatchRequest } from './claude/batches.ts';
import { ClaudeError } from './claude/errors.ts';
import { fromApiUsage } from './claude/accumulate.ts';
import type { AppDeps } from '../context.ts';
import { TokenBudget } from './usage.ts';
import { lastWeekStart, prepareWeek, saveWeek, weekFits, weekRequest } from './weekly-memory.ts';

// The weekly memory job through the Message Batches API (COACH_BATCH_WEEKLY=true): half the
// price, and nobody waits for a weekly memory. Each run first applies the batches that have
// ended (the answers become memories exactly as a direct call's would, usage counted per
// runner and marked as batch), then submits one batch for the runners whose last week is
// still unwritten and not already waiting in a batch. Idempotent like the direct path: a week
// already written is skipped when the answer arrives, and an answer that failed falls back to
// the computed narrative, as a failed direct call does.

const WAITING = 'waiting';

/** Applies ended batches, then submits the weeks still missing; returns what it did. */
export async function writeWeeklyMemoriesInBatch(deps: AppDeps, claude: Claude, now: Date, userIds?: string[]) {
  const summary = { users: 0, written: 0, narratives: 0, submitted: 0, batches_applied: 0, batches_waiting: 0 };
  const open = await deps.db.select().from(coachBatches).where(isNull(coachBatches.applied_at));
  const waiting = new Set<string>();
  for (const batch of open) {
    let ended: boolean;
    try {
      ended = (await claude.batches.status(batch.id)).ended;
    } catch (error) {
      if (!(error instanceof ClaudeError)) throw error;
      deps.log.warn('weekly memory batch: status unavailable', { batch: batch.id, kind: error.kind });
      ended = false;
    }
    if (!ended) {
      summary.batches_waiting += 1;
      for (const id of Object.keys(batch.requests)) waiting.add(id);
      continue;
    }
    const applied = await applyBatch(deps, claude, batch, now);
    summary.batches_applied += 1;
    summary.users += applied.users;
    summary.written += applied.written;
    summary.narratives += applied.narratives;
  }

  const profiles = await deps.db.select({ user_id: userProfiles.user_id, tz: userProfiles.time_zone }).from(userProfiles);
  const requests: BatchRequest[] = [];
  const mapping: Record<string, { user_id: string; week_start: string }> = {};
  const model = deps.config.anthropic.models.memory;
  for (const profile of profiles) {
    if (userIds && !userIds.includes(profile.user_id)) continue;
    const weekStart = lastWeekStart(now, profile.tz);
    const customId = memoryId(profile.user_id, 'training_week', weekStart);
    if (waiting.has(customId)) continue;
    const prep = await prepareWeek(deps, profile.user_id, weekStart);
    if (prep.kind !== 'ready') continue;
    const budget = new TokenBudget(deps.db, profile.user_id, deps.config.anthropic.dailyTokenBudget, now, prep.profile.time_zone);
    if (!(await weekFits(budget, prep.input))) {
      // Over budget today: the numbers now, as the direct path does.
      const saved = await saveWeek(deps, profile.user_id, weekStart, prep, null, null, now);
      summary.users += 1;
      summary.written += saved.written;
      continue;
    }
    requests.push({ customId, params: claude.structuredRequest(weekRequest(prep.input, model)) });
    mapping[customId] = { user_id: profile.user_id, week_start: weekStart };
  }
  if (requests.length > 0) {
    try {
      const batch = await claude.batches.submit(requests);
      await deps.db.insert(coachBatches).values({ id: batch.id, job: 'memory', model, requests: mapping, submitted_at: now });
      summary.submitted = requests.length;
      summary.batches_waiting += 1;
    } catch (error) {
      if (!(error instanceof ClaudeError)) throw error;
      // Nothing was submitted: the next run tries again (the weeks are still unwritten).
      deps.log.warn('weekly memory batch: submit failed', { kind: error.kind, requests: requests.length });
    }
  }
  deps.log.info('weekly memory batch', { ...summary, state: summary.batches_waiting ? WAITING : 'idle' });
  return summary;
}

/** Turns an ended batch's answers into memories and marks it applied. */
async function applyBatch(deps: AppDeps, claude: Claude, batch: typeof coachBatches.$inferSelect, now: Date) {
  const out = { users: 0, written: 0, narratives: 0 };
  let answers;
  try {
    answers = await claude.batches.results(batch.id);
  } catch (error) {
    if (!(error instanceof ClaudeError)) throw error;
    deps.log.warn('weekly memory batch: results unavailable', { batch: batch.id, kind: error.kind });
    return out;
  }
  const byId = new Map(answers.map((a) => [a.customId, a]));
  for (const [customId, { user_id: userId, week_start: weekStart }] of Object.entries(batch.requests)) {
    try {
      const answer = byId.get(customId);
      const prep = await prepareWeek(deps, userId, weekStart);
      if (answer?.ok) {
        const usage = fromApiUsage(answer.message.usage);
        const zone = prep.kind === 'ready' ? prep.profile.time_zone : 'UTC';
        await new TokenBudget(deps.db, userId, deps.config.anthropic.dailyTokenBudget, now, zone).record(usage, {
          job: 'memory',
          model: batch.model,
          batch: true,
        });
      }
      if (prep.kind !== 'ready') continue;
      const result = answer?.ok ? claude.structuredResult(answer.message, { schema: WeeklyMemoryOutputSchema, name: 'weekly_memory', maxTokens: 800 }) : null;
      if (result && !result.ok) deps.log.warn('weekly memory: unusable answer', { user_id: userId, issues: result.issues.length });
      if (answer && !answer.ok) deps.log.warn('weekly memory batch: no answer', { user_id: userId, reason: answer.reason });
      const saved = await saveWeek(deps, userId, weekStart, prep, result?.ok ? result.value : null, result?.ok ? batch.model : null, now);
      out.users += 1;
      out.written += saved.written;
      if (saved.narrative === 'coach') out.narratives += 1;
    } catch (error) {
      deps.log.error('weekly memory batch: apply failed', {
        user_id: userId,
        week_start: weekStart,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  await deps.db.update(coachBatches).set({ applied_at: now }).where(eq(coachBatches.id, batch.id));
  return out;
}
