/** The guardrail check every plan passes before it is saved, whoever made it (engine, LLM, runner). */
import { MethodologySchema, PlanLikeSchema, type Violation } from '../schema/plan.ts';
import { formatPath } from '../schema/issues.ts';
import { checkAvailability, checkDays, checkEasyShare, checkRaceDay, checkSessions, checkStructures } from './guardrails-sessions.ts';
import { checkBlockRamps, checkFirstBlock } from './guardrails-ramp.ts';
import { checkRaceReadiness } from './guardrails-race.ts';
import { checkLongRuns, checkRecoveryWeeks, checkSpikes, checkTaper } from './guardrails-volume.ts';
import { checkPlanLoad, LOAD_RULES } from './load-plan.ts';
import { buildTimeline, type GuardrailContext } from './timeline.ts';

export type { GuardrailContext } from './timeline.ts';
export { EXPLAINING_RULES } from './guardrails-race.ts';

/**
 * Findings about the plan's shape as a whole (issue 17 §4): a long run or peak week short of what
 * the race needs, the time being too short for it, a first week far under the runner's volume.
 * They are advice the app shows, like the load forecast's: re-planning the coming weeks with the
 * same engine would not change them, so adaptation does not re-plan for them.
 */
export const ADVICE_RULES: ReadonlySet<string> = new Set(['race_readiness', 'race_time_short', 'first_week']);

/**
 * The plan-quality report: checks a plan (any source) against every guardrail and reads its load
 * forecast; it may be saved when no violation is hard (`isSavable`).
 */
export function checkPlan(plan: unknown, ctx: GuardrailContext): Violation[] {
  const parsed = PlanLikeSchema.safeParse(plan);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      rule: 'structure_invalid' as const,
      severity: 'hard' as const,
      reason: `${formatPath(issue.path) || 'plan'}: ${issue.message}`,
    }));
  }
  const t = buildTimeline(parsed.data, ctx);
  // The long-run caps differ by methodology (docs/TRAINING.md §"Safety guardrails"); a plan that names none gets Daniels' strict ones.
  const named = MethodologySchema.safeParse((plan as { methodology?: unknown }).methodology);
  const methodology = named.success ? named.data : null;
  const weeks = parsed.data.weeks;
  const flagged = weeks && weeks.some((w) => w.is_recovery !== undefined) ? new Set(weeks.filter((w) => w.is_recovery).map((w) => w.index)) : null;
  return [
    ...checkStructures(t),
    ...checkRaceDay(t),
    ...checkDays(t),
    ...checkAvailability(t),
    ...checkFirstBlock(t, ctx.goal),
    ...checkBlockRamps(t),
    ...checkSpikes(t),
    ...checkLongRuns(t, ctx.goal, methodology),
    ...checkSessions(t),
    ...checkEasyShare(t),
    ...checkRecoveryWeeks(t, flagged),
    ...checkTaper(t),
    ...checkRaceReadiness(t, methodology),
    // The load forecast (issue 23 §6): a too-steep fitness ramp, race-day form off the band.
    ...checkPlanLoad(parsed.data, t, ctx),
  ];
}

/** Whether a list of violations allows saving: no hard ones. */
export function isSavable(violations: readonly Violation[]): boolean {
  return violations.every((v) => v.severity !== 'hard');
}

/**
 * The findings a change brings that were not there before it: what an edit or a proposal is
 * warned about (or refused for). A guardrail finding is the same when its words are; a load
 * finding (ramp, race-day form) carries its numbers in its words, so it is the same finding
 * when its rule and date are, and a change that only moves its numbers is not a new warning.
 */
export function newFindings(before: readonly Violation[], after: readonly Violation[]): Violation[] {
  const key = (v: Violation) => (LOAD_RULES.has(v.rule) ? `${v.rule}|${v.date ?? ''}` : `${v.rule}|${v.reason}`);
  const known = new Set(before.map(key));
  return after.filter((v) => !known.has(key(v)));
}
