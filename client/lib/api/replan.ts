import type { HealthReport } from '#shared/schema/plan.ts';
import { acceptedReplan, clearAcceptedReplan, recordAcceptedReplan } from '../data/replan.ts';
import type { UserDb } from '../data/db.ts';
import { errorCode } from '../errors.ts';
import { api } from './client.ts';

// The illness/injury re-plan (POST /api/plans/:id/adapt). The phone previews it itself (the
// shared adaptPlan over its own rows, client/lib/data/replan.ts), always rather than only when
// the server cannot be reached: one path online and offline, an answer with no round trip, and
// the same re-plan the server previews for the same rows (tests/sync/replan.test.ts). The server
// makes it when the runner accepts, with every run it knows; an acceptance made offline waits on
// the phone and is sent once the phone is back online.

/** Re-plans for `report` once per `requestId` (the changes then reach the phone with the next pull). */
export function applyReplan(planId: string, report: HealthReport | undefined, requestId: string): Promise<{ changed: boolean; reasons: string[] }> {
  return api('POST', `/plans/${planId}/adapt`, { ...(report ? { report } : {}), request_id: requestId });
}

/** What became of an accepted re-plan: made by the server, or waiting for a connection. */
export type ReplanOutcome = 'applied' | 'waiting';

/** The send under way, shared by every caller until it settles. */
let sending: Promise<ReplanOutcome | null> | null = null;

/** Accepts a re-plan: kept on the phone first, so going offline now loses nothing, then sent. */
export async function acceptReplan(db: UserDb, planId: string, report: HealthReport | undefined, words: string | null): Promise<ReplanOutcome> {
  await recordAcceptedReplan(db, { planId, ...(report ? { report } : {}), words });
  // A send already under way carries an earlier acceptance: this one goes after it.
  await sending?.catch(() => null);
  return (await sendAcceptedReplan(db)) ?? 'applied';
}

/**
 * Sends the waiting acceptance, if any: `waiting` while the server cannot be reached; a refusal
 * (the plan was replaced meanwhile, say) forgets it and throws, for the screen to say why. Calls
 * that overlap (the browser's own `online` event and the app's, two screens) share one request:
 * a second POST would re-plan twice.
 */
export function sendAcceptedReplan(db: UserDb): Promise<ReplanOutcome | null> {
  sending ??= send(db).finally(() => (sending = null));
  return sending;
}

async function send(db: UserDb): Promise<ReplanOutcome | null> {
  const waiting = await acceptedReplan(db);
  if (!waiting) return null;
  try {
    // A lost answer looks offline, so the acceptance is sent again later: its id makes that a no-op.
    await applyReplan(waiting.planId, waiting.report, waiting.requestId);
  } catch (error) {
    if (errorCode(error) === 'offline') return 'waiting';
    await clearAcceptedReplan(db, waiting.acceptedAt);
    throw error;
  }
  await clearAcceptedReplan(db, waiting.acceptedAt);
  return 'applied';
}
