import type { Database } from '../../server/db/database.ts';
import { saveConnection } from '../../server/strava/tokens.ts';
import { readStravaFixture, type StravaStandin } from '../../server/test/strava-standin.ts';
import type { Http, Json } from './http.ts';
import type { SimRunner } from './runner.ts';
import { sleep } from './util.ts';

// Strava's side of the runs: runners linked to athletes of the stand-in, and a webhook sender
// that behaves as Strava does: one POST per event, retried when the answer is not a 200 or
// does not come in time, and now and then the same event twice.

/** Athlete ids beyond 2^53, as Strava's are now, one per runner. */
const FIRST_ATHLETE = 18014398509500000n;
/** The push subscription the events name (recorded by World.connectStrava, as the operator command would). */
export const SUBSCRIPTION_ID = '120001';
/** Activity ids, also beyond 2^53. */
let nextActivity = 19014398509500000n;

/** Links each runner to its own athlete (the domain call the OAuth callback makes), on the run's database. */
export async function connectRunners(db: Database, key: Buffer, standin: StravaStandin, runners: SimRunner[], offset = 0): Promise<void> {
  const now = new Date();
  for (const [i, runner] of runners.entries()) {
    const athleteId = String(FIRST_ATHLETE + BigInt(offset + i));
    // Tokens of the runner's own athlete: a revocation on "strava.com" (revokeAccess) ends exactly these.
    const tokens = standin.issueTokens(athleteId);
    await saveConnection(
      db,
      key,
      runner.userId,
      { ...tokens, expiresAt: new Date(now.getTime() + 6 * 3600_000), athleteId, athlete: { id: athleteId } },
      'read,activity:read_all',
      now,
    );
    runner.athleteId = athleteId;
  }
}

/** An event as Strava sends it: ids as bare (64-bit) integers. */
function eventJson(event: {
  object_type: 'activity' | 'athlete';
  object_id: string;
  aspect_type: string;
  owner_id: string;
  event_time: number;
  updates?: Record<string, string>;
}): string {
  return (
    `{"aspect_type":"${event.aspect_type}","event_time":${event.event_time},"object_id":${event.object_id},` +
    `"object_type":"${event.object_type}","owner_id":${event.owner_id},"subscription_id":${SUBSCRIPTION_ID},"updates":${JSON.stringify(event.updates ?? {})}}`
  );
}

export interface SentEvent {
  kind: 'create' | 'deauthorize';
  runner: SimRunner;
  objectId: string;
  body: string;
  attempts: number;
  acked: boolean;
}

export class WebhookSender {
  readonly events: SentEvent[] = [];
  private eventTime = Math.floor(Date.now() / 1000);
  private readonly detail = readStravaFixture('activity_detailed_run.json');
  /** Deliveries in flight (retries included), so a run can wait for them. */
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly http: Http,
    private readonly standin: StravaStandin,
    /** Strava waits ~2 s for an answer; then it counts as failed and is retried. */
    private readonly options: { timeoutMs?: number; retryDelayMs?: number; maxAttempts?: number; duplicateRate?: number } = {},
  ) {}

  /** A new activity of `runner`'s on Strava, and its `create` event delivered. */
  create(runner: SimRunner): SentEvent {
    const objectId = String(nextActivity++);
    // The runner's activity: its id, and its athlete (the server imports an activity only into its owner's
    // account). A stand-in that takes the owner sets it itself; for one that does not, the JSON names it.
    const json = this.detail.replace('"id": 1946417534', `"id": ${objectId}`).replaceAll('"id": 26462176', `"id": ${runner.athleteId!}`);
    const put = this.standin.putActivity as (id: string, json: string, notFoundTimes?: number, owner?: string) => void;
    put.call(this.standin, objectId, json, 0, runner.athleteId!);
    const body = eventJson({ object_type: 'activity', object_id: objectId, aspect_type: 'create', owner_id: runner.athleteId!, event_time: this.eventTime++ });
    return this.send({ kind: 'create', runner, objectId, body, attempts: 0, acked: false });
  }

  /**
   * The athlete revoked RunCoach on strava.com: their tokens stop working at Strava (the server
   * confirms a deauthorization that way before it purges), then the deauthorization event.
   */
  deauthorize(runner: SimRunner): SentEvent {
    this.standin.revokeAccess(runner.athleteId!);
    const body = eventJson({
      object_type: 'athlete',
      object_id: runner.athleteId!,
      aspect_type: 'update',
      owner_id: runner.athleteId!,
      event_time: this.eventTime++,
      updates: { authorized: 'false' },
    });
    return this.send({ kind: 'deauthorize', runner, objectId: runner.athleteId!, body, attempts: 0, acked: false });
  }

  private send(event: SentEvent): SentEvent {
    this.events.push(event);
    this.track(this.deliver(event));
    // Strava sometimes delivers an event twice; the server must process it once.
    if (Math.random() < (this.options.duplicateRate ?? 0.05)) this.track(this.deliver(event));
    return event;
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(event: SentEvent): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 60;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      event.attempts++;
      const res = await this.http.call('strava.webhook', 'POST', '/api/strava/webhook', { raw: event.body, timeoutMs: this.options.timeoutMs ?? 2_000 });
      if (res.status === 200) {
        event.acked = true;
        return;
      }
      await sleep(this.options.retryDelayMs ?? 1_000);
    }
  }

  /** Resolves once every delivery (with its retries) has ended. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

export interface EventAudit {
  ok: boolean;
  problems: string[];
  figures: { events: number; unacked: number; processed: number; activities: number; fetches: number; notificationsSent: number; mails: number };
}

/** Waits until no stored event is left unprocessed (status `received`), or `timeoutMs`. */
export async function waitForEvents(query: (sql: string) => Promise<{ rows: Json[] }>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await query(`select count(*)::int as n from strava_events where status = 'received'`).catch(() => ({ rows: [{ n: -1 }] }));
    const left = rows[0].n as number;
    if (left === 0 || Date.now() > deadline) return left;
    await sleep(500);
  }
}

/**
 * Every acknowledged `create` was stored once and processed once into exactly one activity (one
 * Strava never got a 200 for may be missing, but never doubled); every deauthorization made
 * exactly one notification, sent once (one e-mail). With `requireAcked`, an event Strava never
 * got a 200 for is a problem too.
 */
export async function auditEvents(
  query: (sql: string, params?: unknown[]) => Promise<{ rows: Json[] }>,
  sender: WebhookSender,
  standin: StravaStandin,
  options: { mails?: { envelopeTo: string[] }[]; requireAcked?: boolean } = {},
): Promise<EventAudit> {
  const problems: string[] = [];
  const { mails } = options;
  const creates = sender.events.filter((e) => e.kind === 'create');
  const deauths = sender.events.filter((e) => e.kind === 'deauthorize');
  const unacked = sender.events.filter((e) => !e.acked);
  if (options.requireAcked && unacked.length) problems.push(`${unacked.length} events never got a 200 from the webhook`);
  const ids = creates.map((e) => e.objectId);
  const events = (
    await query(
      `select object_id, status, count(*)::int as n from strava_events where object_type = 'activity' and aspect_type = 'create' and object_id = any($1) group by object_id, status`,
      [ids],
    )
  ).rows;
  const byId = new Map<string, { status: string; n: number }[]>();
  for (const row of events) byId.set(row.object_id, [...(byId.get(row.object_id) ?? []), row]);
  const activities = (
    await query(`select external_id, count(*)::int as n from strava_activities where source = 'strava' and external_id = any($1) group by external_id`, [ids])
  ).rows;
  const activityCount = new Map(activities.map((r: { external_id: string; n: number }) => [r.external_id, r.n]));
  let processed = 0;
  for (const event of creates) {
    const rows = byId.get(event.objectId) ?? [];
    const stored = rows.reduce((sum, r) => sum + r.n, 0);
    const n = activityCount.get(event.objectId) ?? 0;
    if (stored === 0 && !event.acked) continue; // never answered with a 200, never stored: Strava keeps it
    if (stored !== 1) problems.push(`event ${event.objectId} stored ${stored} times`);
    else if (rows[0]!.status !== 'processed') problems.push(`event ${event.objectId} is ${rows[0]!.status}`);
    else processed++;
    if (n !== 1) problems.push(`activity ${event.objectId} stored ${n} times`);
  }
  const fetches = standin.state.requests.filter((r) => r.route === 'activity' && ids.includes(r.path.split('/').pop()!)).length;
  let notificationsSent = 0;
  for (const event of deauths) {
    const rows = (
      await query(`select status, attempts from notifications where user_id = $1 and notification_type = 'strava_disconnected'`, [event.runner.userId])
    ).rows;
    if (rows.length !== 1) problems.push(`${event.runner.email}: ${rows.length} strava_disconnected notifications (expected 1)`);
    else if (mails && rows[0].status !== 'sent') problems.push(`${event.runner.email}: notification is ${rows[0].status}`);
    else notificationsSent++;
    if (mails) {
      const received = mails.filter((m) => m.envelopeTo.includes(event.runner.email)).length;
      if (received !== 1) problems.push(`${event.runner.email}: ${received} e-mails received (expected 1)`);
    }
  }
  const limited = problems.length > 20 ? [...problems.slice(0, 20), `… and ${problems.length - 20} more`] : problems;
  return {
    ok: problems.length === 0,
    problems: limited,
    figures: {
      events: sender.events.length,
      unacked: unacked.length,
      processed,
      activities: activities.length,
      fetches,
      notificationsSent,
      mails: mails?.length ?? 0,
    },
  };
}
