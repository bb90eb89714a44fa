import type { HealthReport } from '#shared/schema/plan.ts';
import type { WorkoutEdit } from '#shared/training/load-whatif.ts';
import { api } from './client.ts';

// The illness/injury re-plan (POST /api/plans/:id/adapt): first a preview, which saves nothing,
// so the phone can show its effect on race-day form and ramp; then the re-plan itself.

/** What the server says a re-plan would do. */
export interface ReplanPreview {
  changed: boolean;
  reasons: string[];
  preview?: { workouts: ({ id: string } & Record<string, unknown>)[]; removed_workout_ids: string[] };
}

/** The re-plan the server would make for `report`, nothing saved. */
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
