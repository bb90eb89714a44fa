import type { HealthReport } from '#shared/schema/plan.ts';
import type { WorkoutEdit } from '#shared/training/load-whatif.ts';
import { acceptedReplan, clearAcceptedReplan, recordAcceptedReplan } from '../data/replan.ts';
import type { UserDb } from '../data/db.ts';
import { errorCode } from '../errors.ts';
import { api } from './client.ts';

// The illness/injury re-plan (POST /api/plans/:id/adapt). The phone previews it itself (the
// shared adaptPlan over its own rows, client/lib/data/replan.ts), so the what-if works offline;
// the server makes it when the runner accepts, with every run it knows. An acceptance made
// offline waits on the phone and is sent once the phone is back online.

/** What the server says a re-plan would do. */
export interface ReplanPreview {
  changed: boolean;
  reasons: string[];
  preview?: { workouts: ({ id: string } & Record<string, unknown>)[]; removed_workout_ids: string[] };
}

/** The re-plan the server would make for `report`, nothing saved (the phone computes its own: deviceReplanPreview). */
export function previewReplan(planId: string, report: HealthReport): Promise<ReplanPreview> {
  return api<ReplanPreview>('POST', `/plans/${planId}/adapt`, { report, preview: true });
}

/** Re-plans for `report` (the changes then reach the phone with the next pull). */
export function applyReplan(planId: string, report: HealthReport): Promise<{ changed: boolean; reasons: string[] }> {
  return api('POST', `/plans/${planId}/adapt`, { report });
}

/** A preview as edits to the plan on the phone: every workout's new fields, removed ones deleted. */
export function replanEdits(preview: NonNullable<ReplanPreview['preview']>): WorkoutEdit[] {
  return [
    ...preview.workouts.map(({ id, ...set }) => ({ workout_id: id, set })),
    ...preview.removed_workout_ids.map((id) => ({ workout_id: id, set: { deleted: true } })),
  ];
}

/** What became of an accepted re-plan: made by the server, or waiting for a connection. */
export type ReplanOutcome = 'applied' | 'waiting';

/** Accepts a re-plan: kept on the phone first, so going offline now loses nothing, then sent. */
export async function acceptReplan(db: UserDb, planId: string, report: HealthReport, words: string | null): Promise<ReplanOutcome> {
  await recordAcceptedReplan(db, { planId, report, words });
  return (await sendAcceptedReplan(db)) ?? 'applied';
}

/**
 * Sends the waiting acceptance, if any: `waiting` while the server cannot be reached; a refusal
 * (the plan was replaced meanwhile, say) forgets it and throws, for the screen to say why.
 */
export async function sendAcceptedReplan(db: UserDb): Promise<ReplanOutcome | null> {
  const waiting = await acceptedReplan(db);
  if (!waiting) return null;
  try {
    await applyReplan(waiting.planId, waiting.report);
  } catch (error) {
    if (errorCode(error) === 'offline') return 'waiting';
    await clearAcceptedReplan(db, waiting.acceptedAt);
    throw error;
  }
  await clearAcceptedReplan(db, waiting.acceptedAt);
  return 'applied';
}
