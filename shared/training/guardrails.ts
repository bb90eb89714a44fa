/** The guardrail check every plan passes before it is saved, whoever made it (engine, LLM, runner). */
import { PlanLikeSchema, type Violation } from '../schema/plan.ts';
import { formatPath } from '../schema/issues.ts';
import { checkDays, checkEasyShare, checkRaceDay, checkSessions, checkStructures } from './guardrails-sessions.ts';
import { checkLongRuns, checkRamps, checkRecoveryWeeks, checkSpikes, checkTaper } from './guardrails-volume.ts';
import { buildTimeline, type GuardrailContext } from './timeline.ts';

export type { GuardrailContext } from './timeline.ts';

/** Checks a plan (any source) against every guardrail; an empty list means it may be saved. */
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
  const weeks = parsed.data.weeks;
  const flagged = weeks && weeks.some((w) => w.is_recovery !== undefined)
    ? new Set(weeks.filter((w) => w.is_recovery).map((w) => w.index))
    : null;
  return [
    ...checkStructures(t),
    ...checkRaceDay(t),
    ...checkDays(t),
    ...checkRamps(t),
    ...checkSpikes(t),
    ...checkLongRuns(t, ctx.goal),
    ...checkSessions(t),
    ...checkEasyShare(t),
    ...checkRecoveryWeeks(t, flagged),
    ...checkTaper(t),
  ];
}

/** Whether a list of violations allows saving: no hard ones. */
export function isSavable(violations: readonly Violation[]): boolean {
  return violations.every((v) => v.severity !== 'hard');
}
