import { randomUUID } from 'node:crypto';
import { PlanAdaptationSchema, type PlanAdaptation, type WorkoutChange } from '#shared/schema/coach.ts';
import type { Issue } from '#shared/schema/issues.ts';
import type { CompletedRun, Plan, Violation } from '#shared/schema/plan.ts';
import { generatePlan } from '#shared/training/engine.ts';
import { checkPlan, isSavable } from '#shared/training/guardrails.ts';
import { runnerPaces } from '#shared/training/timeline.ts';
import { engineGoal } from '../goals/goals.ts';
import { listMemories } from './memory-store.ts';
import type { PersonalizeInput, PlanPersonalizer } from '../plans/plans.ts';
import { estimateTokens } from './claude/budget.ts';
import type { Claude, Usage } from './claude/client.ts';
import { ClaudeError } from './claude/errors.ts';
import type { AppDeps } from '../context.ts';
import { adaptPlan } from './adapt-plan.ts';
import { cachedSystem } from './cache-layout.ts';
import { allowedHistory, aiSources } from './policy.ts';
import { COACH_PRINCIPLES } from './prompt.ts';
import { TokenBudget } from './usage.ts';

// POST /api/plans/generate with personalize: the engine's plan, adapted by Claude to this
// runner (preferences, injuries, schedule) as a short list of changes. The adapted plan must
// pass the same guardrails as any plan: a failing answer gets one repair turn with the
// violations, then the engine's plan is kept with a note. Never an error: without a key, over
// budget, or with Claude down, the engine's plan is saved and generation_context says why.

const SYSTEM = `${COACH_PRINCIPLES}

Your task now: adapt the rule engine's plan below to this runner, using only the change vocabulary of the tool (move, shorten, swap, rest, easy). Adapt for the runner's injuries, preferences and schedule; change nothing without a reason the runner gave; keep the race on race day. Name workouts by their label in the plan (w1, w2 …). Fewer, well-reasoned changes are better than many. If nothing needs to change, return an empty list of changes.`;

type Outcome = 'personalized' | 'repaired' | 'engine_fallback' | 'not_configured' | 'budget_spent' | 'coach_unavailable';

const NOTES: Record<Exclude<Outcome, 'personalized' | 'repaired'>, string> = {
  engine_fallback: 'The coach’s adaptation broke the plan’s safety rules twice, so this is the rule engine’s plan.',
  not_configured: 'The AI coach is not configured on this server, so this is the rule engine’s plan.',
  budget_spent: 'Today’s coaching allowance is used up, so this is the rule engine’s plan. Ask again tomorrow to personalise it.',
  coach_unavailable: 'The AI coach could not be reached, so this is the rule engine’s plan. Try again later to personalise it.',
};

/** The personaliser the plan route hands to generatePlanForGoal. */
export function coachPersonalizer(deps: AppDeps, claude: Claude | null): PlanPersonalizer {
  return async (input) => {
    const engine = (outcome: Exclude<Outcome, 'personalized' | 'repaired'>, extra: Record<string, unknown> = {}) => ({
      plan: input.enginePlan,
      context: {
        personalization: { requested: true, outcome, note: NOTES[outcome], ...(claude ? { model: deps.config.anthropic.models.personalize } : {}), ...extra },
      },
    });
    if (!claude) return engine('not_configured');
    const model = deps.config.anthropic.models.personalize;
    const dataInAi = deps.config.strava.dataInAi;
    // What the model sees is built from allowed sources only; the final check uses every run.
    const aiHistory = dataInAi ? input.history : await allowedHistory(deps.db, input.userId, input.today, false);
    const base = aiHistory.length === input.history.length ? input.enginePlan : (rebuild(input, aiHistory) ?? input.enginePlan);
    const memories = (await listMemories(deps.db, input.userId)).filter(
      (m) => m.summary_type !== 'training_week' && (dataInAi || (m.data as { strava_included?: boolean }).strava_included !== true),
    );
    // Short labels (w1, w2 …) instead of uuids: fewer tokens, fewer copying mistakes.
    const ids = new Map(base.workouts.map((w, i) => [`w${i + 1}`, w.id]));
    const byId = (change: WorkoutChange): WorkoutChange => ({
      ...change,
      workout_id: ids.get(change.workout_id) ?? change.workout_id,
      ...(change.other_workout_id ? { other_workout_id: ids.get(change.other_workout_id) ?? change.other_workout_id } : {}),
    });
    const prompt = describe(
      input,
      base,
      memories.map((m) => `${m.summary_type}: ${m.content}`),
    );
    const budget = new TokenBudget(deps.db, input.userId, deps.config.anthropic.dailyTokenBudget, deps.now(), input.timeZone);
    if (!(await budget.allows(2 * (estimateTokens(SYSTEM + prompt) + 2000)))) return engine('budget_spent');

    const goal = engineGoal(input.goal);
    const paces = runnerPaces(input.profile, goal, input.today).paces;
    const raceMeters = goal.kind === 'race' ? goal.target_race_distance_meters : undefined;
    const check = (plan: Plan, history: CompletedRun[]) => checkPlan(plan, { profile: input.profile, goal, today: input.today, history });
    const attempts: { ok: boolean; issues?: Issue[]; violations?: Violation[]; usage: Usage }[] = [];
    let feedback: string | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      let answer;
      try {
        // The prompt is a cache breakpoint of its own: the repair turn re-reads it and only the feedback is new.
        const promptBlock = { type: 'text' as const, text: prompt, cache_control: { type: 'ephemeral' as const } };
        answer = await claude.structured({
          model,
          system: cachedSystem([SYSTEM]),
          messages: [{ role: 'user', content: feedback ? [promptBlock, { type: 'text', text: feedback }] : [promptBlock] }],
          schema: PlanAdaptationSchema,
          name: 'adapt_plan',
          description: 'The changes that adapt the plan to this runner.',
          maxTokens: 2000,
          timeoutMs: 60_000,
        });
      } catch (error) {
        if (!(error instanceof ClaudeError)) throw error;
        deps.log.warn('plan personalisation: coach unavailable', { user_id: input.userId, kind: error.kind });
        return engine('coach_unavailable', { attempts });
      }
      await budget.record(answer.usage, { job: 'personalize', model });
      let adaptation: PlanAdaptation | null = null;
      let issues: Issue[] = [];
      let violations: Violation[] = [];
      if (!answer.ok) issues = answer.issues;
      else {
        adaptation = answer.value;
        const adapted = adaptPlan(base, adaptation.changes.map(byId), adaptation.summary, paces, raceMeters);
        if (!adapted.ok) issues = adapted.issues;
        else {
          violations = check(adapted.plan, aiHistory);
          if (isSavable(violations)) {
            const final = check(adapted.plan, input.history);
            if (!isSavable(final)) {
              attempts.push({ ok: false, violations: final.filter((v) => v.severity === 'hard'), usage: answer.usage });
              return engine('engine_fallback', {
                attempts,
                note: 'The coach’s adaptation broke a safety rule given your recent runs, so this is the rule engine’s plan.',
              });
            }
            attempts.push({ ok: true, usage: answer.usage });
            return {
              plan: adapted.plan,
              context: {
                source: 'coach',
                warnings: final,
                personalization: {
                  requested: true,
                  outcome: attempt === 0 ? 'personalized' : 'repaired',
                  model,
                  summary: adaptation.summary,
                  changes: adaptation.changes.map(byId),
                  attempts,
                  inputs: { memories: memories.length, injury_notes: Boolean(input.profile.injury_notes), history_sources: aiSources(dataInAi) },
                },
              },
            };
          }
        }
      }
      const hard = violations.filter((v) => v.severity === 'hard');
      attempts.push({ ok: false, ...(issues.length ? { issues } : {}), ...(hard.length ? { violations: hard } : {}), usage: answer.usage });
      feedback = repairRequest(adaptation, issues, hard);
    }
    return engine('engine_fallback', { attempts });
  };
}

/** The engine's plan built from allowed history only: what the model may see. */
function rebuild(input: PersonalizeInput, history: CompletedRun[]): Plan | null {
  const result = generatePlan({
    profile: input.profile,
    goal: engineGoal(input.goal),
    start_date: input.startDate,
    today: input.today,
    methodology: input.methodology,
    newId: randomUUID,
    history,
  });
  return result.ok ? result.plan : null;
}

function describe(input: PersonalizeInput, plan: Plan, memories: string[]): string {
  const p = input.profile;
  const lines = plan.workouts.map(
    (w, i) =>
      `w${i + 1} | ${w.scheduled_date} | week ${w.week_index + 1} | ${w.workout_type} | ${w.title} | ${(w.estimated_distance_meters / 1000).toFixed(1)} km | ${w.estimated_duration_minutes} min`,
  );
  return [
    `Runner: ${p.current_weekly_mileage_miles} miles a week now, ${p.days_available_per_week} days a week, injury notes: ${p.injury_notes?.trim() || 'none'}.`,
    `Goal: ${input.goal.title}. Methodology: ${plan.methodology}. Plan ${plan.start_date} to ${plan.end_date}. Today: ${input.today}.`,
    `What the coach remembers (the runner's own words and preferences):\n${memories.length ? memories.map((m) => `- ${m}`).join('\n') : '- nothing yet'}`,
    `The plan (id | date | week | type | title | distance | time):\n${lines.join('\n')}`,
  ].join('\n\n');
}

function repairRequest(previous: PlanAdaptation | null, issues: Issue[], violations: Violation[]): string {
  const problems = [
    ...issues.map((i) => `${i.path || 'answer'}: ${i.message}`),
    ...violations.map((v) => `${v.rule}${v.date ? ` (${v.date})` : ''}: ${v.reason}`),
  ];
  return `Your previous answer${previous ? ` (${JSON.stringify(previous)})` : ''} could not be used:\n${problems.map((p) => `- ${p}`).join('\n')}\nReturn a corrected adaptation that keeps every guardrail.`;
}
