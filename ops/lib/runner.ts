import { randomUUID } from 'node:crypto';
import { digestRows, type EntityDigest } from '../../shared/sync/digest.ts';
import { formatHlc, nodeIdFor, tick, type Hlc } from '../../shared/sync/hlc.ts';
import { currentVersion } from '../../shared/sync/mutation-args.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION, SYNCED_ENTITIES, type Change, type Cursor, type Mutation, type SyncedEntity } from '../../shared/sync/protocol.ts';
import { ENTITIES } from '../../server/sync/rows.ts';
import type { Http, HttpResult } from './http.ts';
import { isoDateAfter } from './util.ts';

// A simulated runner: an account made through the API (invite → sign up → cookie), a profile,
// a goal and an engine plan, then a device that syncs as the PWA does: named mutations in an
// outbox, each with an id and an HLC, pushed until acknowledged (a retry resends the same
// ids), and pulls into a local mirror of the synced tables. It remembers what it meant to do,
// so the audit can tell a lost or doubly applied change from a correct one.

type Row = Record<string, unknown>;

let created = 0;

/** What the runner's changes must have left on the server. */
interface Intent {
  goalsCreated: Set<string>;
  goalTitles: Map<string, string>;
  workoutNotes: Map<string, string>;
  /** Every notes value sent (each unique): each must show up in workout_edits exactly once. */
  notesSent: string[];
  injuryNotes: string | null;
  chatSent: Set<string>;
  /** Chat messages sent to the coach endpoint that got a complete reply. */
  chatAnswered: Set<string>;
}

export interface AuditResult {
  ok: boolean;
  problems: string[];
}

export class SimRunner {
  readonly clientId = `c_ops${++created}_${randomUUID().slice(0, 8)}`;
  readonly email = `ops-runner-${created}-${randomUUID().slice(0, 6)}@example.com`;
  readonly name = `Ops Runner ${created}`;
  cookie = '';
  userId = '';
  private nextId = 1;
  private clock: Hlc | null = null;
  private cursor: Cursor | null = null;
  private counter = 0;
  /** Mutations not yet acknowledged, oldest first. */
  outbox: Mutation[] = [];
  readonly mirror = new Map<SyncedEntity, Map<string, Row>>(SYNCED_ENTITIES.map((e) => [e, new Map()]));
  readonly intent: Intent = {
    goalsCreated: new Set(),
    goalTitles: new Map(),
    workoutNotes: new Map(),
    notesSent: [],
    injuryNotes: null,
    chatSent: new Set(),
    chatAnswered: new Set(),
  };
  goalIds: string[] = [];
  workoutIds: string[] = [];
  /** Mutations the server refused (none expected: the generator only makes valid ones). */
  rejected: string[] = [];
  /** Strava athlete id when connected. */
  athleteId: string | null = null;
  /**
   * Mutations a resend found already applied (a push that committed but whose answer was lost):
   * a lower bound, seen when one answer mixes stored results (older versions) with new ones.
   */
  replayed = 0;
  private lastPushFailed = false;

  constructor(private readonly http: Http) {}

  /** Signs up with `inviteCode`, fills the profile, sets a marathon goal and generates its plan. */
  async setUp(inviteCode: string, today: Date): Promise<void> {
    const password = 'long enough password for ops';
    const registered = await this.expect(
      201,
      this.http.call('setup.register', 'POST', '/api/auth/register', { body: { invite_code: inviteCode, name: this.name, email: this.email, password } }),
    );
    this.cookie = registered.headers!.get('set-cookie')!.split(';')[0]!;
    this.userId = registered.json.user.id;
    const profile = { current_weekly_mileage_miles: 25, days_available_per_week: 5, easy_pace_per_mile_seconds: 600, time_zone: 'Europe/London' };
    await this.expect(200, this.http.call('setup.profile', 'PUT', '/api/profile', { cookie: this.cookie, body: profile }));
    const marathon = {
      goal_type: 'race',
      target_race_distance_meters: 42195,
      target_race_date: isoDateAfter(today, 7 * 18),
      target_time_seconds: 4 * 3600 + 30 * 60,
    };
    const goal = await this.expect(201, this.http.call('setup.goal', 'POST', '/api/goals', { cookie: this.cookie, body: marathon }));
    this.goalIds.push(goal.json.goal.id);
    const plan = await this.expect(
      201,
      this.http.call('setup.plan', 'POST', '/api/plans/generate', { cookie: this.cookie, body: { goal_id: goal.json.goal.id } }),
    );
    this.workoutIds = (plan.json.workouts as { id: string }[]).map((w) => w.id);
    await this.pullAll('setup.pull');
  }

  private async expect(status: number, pending: Promise<HttpResult>): Promise<HttpResult> {
    const result = await pending;
    if (result.status !== status) throw new Error(`${this.email}: expected ${status}, got ${result.status} ${result.error ?? result.text.slice(0, 300)}`);
    return result;
  }

  /** Queues `count` new changes (a mix of the mutations the app makes most). */
  queueChanges(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = ++this.counter;
      const roll = Math.random();
      if (roll < 0.4 && this.workoutIds.length) {
        const id = this.workoutIds[n % this.workoutIds.length]!;
        const notes = `ops ${this.clientId} note ${n}`;
        this.intent.workoutNotes.set(id, notes);
        this.intent.notesSent.push(notes);
        this.add('workout.update', { id, set: { notes }, reason: 'ops load' });
      } else if (roll < 0.65) {
        const id = this.goalIds[n % this.goalIds.length]!;
        const title = `Goal edit ${n}`;
        this.intent.goalTitles.set(id, title);
        this.add('goal.update', { id, set: { title } });
      } else if (roll < 0.75) {
        const id = randomUUID();
        this.goalIds.push(id);
        this.intent.goalsCreated.add(id);
        this.add('goal.create', { id, goal: { goal_type: 'mileage', title: `Mileage ${n}`, target_weekly_mileage_miles: 20 + (n % 10), end_date: null } });
      } else if (roll < 0.9) {
        const notes = `ops injury notes ${n}`;
        this.intent.injuryNotes = notes;
        this.add('profile.update', { set: { injury_notes: notes } });
      } else {
        const id = randomUUID();
        this.intent.chatSent.add(id);
        this.add('chat.send', { id, content: `Offline note ${n} from ${this.name}` });
      }
    }
  }

  private add(name: string, args: unknown): void {
    this.clock = tick(this.clock, Date.now(), nodeIdFor(this.clientId));
    this.outbox.push({ id: this.nextId++, name, v: currentVersion(name), hlc: formatHlc(this.clock), args });
  }

  /** One push of (up to 100 of) the outbox; acknowledged mutations leave it. Returns the HTTP status. */
  async push(route = 'sync.push'): Promise<HttpResult['status']> {
    if (this.outbox.length === 0) return 200;
    const mutations = this.outbox.slice(0, 100);
    const res = await this.http.call(route, 'POST', '/api/sync/push', {
      cookie: this.cookie,
      body: { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: this.clientId, mutations },
    });
    if (res.status === 200) {
      const acked = res.json.lastMutationId as number;
      const results = res.json.results as { id: number; status: string; version: number; error?: { code: string } }[];
      for (const result of results) {
        if (result.status !== 'applied') this.rejected.push(`#${result.id} ${result.error?.code}`);
      }
      // One push is one version; results from an earlier, unanswered push carry older ones.
      const newest = Math.max(...results.map((r) => r.version));
      if (this.lastPushFailed) this.replayed += results.filter((r) => r.version < newest).length;
      this.outbox = this.outbox.filter((m) => m.id > acked);
    }
    this.lastPushFailed = res.status !== 200;
    return res.status;
  }

  /** Pulls until the server has nothing more; applies changes to the mirror. Returns the last status. */
  async pullAll(route = 'sync.pull'): Promise<HttpResult['status']> {
    for (let page = 0; page < 50; page++) {
      const res = await this.http.call(route, 'POST', '/api/sync/pull', {
        cookie: this.cookie,
        body: { protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: this.clientId, cursor: this.cursor, limit: 500 },
      });
      if (res.status !== 200) return res.status;
      if (res.json.reset) {
        // A new epoch (restore) or a cursor the server cannot serve: download everything again.
        for (const rows of this.mirror.values()) rows.clear();
        this.cursor = null;
        continue;
      }
      for (const change of res.json.changes as Change[]) this.apply(change);
      this.cursor = res.json.cursor;
      if (!res.json.hasMore) return 200;
    }
    return 200;
  }

  private apply(change: Change): void {
    const rows = this.mirror.get(change.entity)!;
    if (change.op === 'd') rows.delete(change.id);
    else rows.set(change.id, change.row);
  }

  /** Pushes until the outbox is empty (retrying through failures), then pulls; false on timeout. */
  async settle(timeoutMs: number, route = 'audit'): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.length > 0) {
      if (Date.now() > deadline) return false;
      const status = await this.push(`${route}.push`);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    while ((await this.pullAll(`${route}.pull`)) !== 200) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return true;
  }

  /** The mirror's digest, computed as the server computes its own. */
  localDigest(): Record<string, EntityDigest> {
    return Object.fromEntries(SYNCED_ENTITIES.map((entity) => [entity, digestRows([...this.mirror.get(entity)!.values()], ENTITIES[entity].key)]));
  }

  /**
   * After settle(): the server's digest equals the mirror's, and the mirror holds exactly what
   * the runner meant: every goal it created, the last title and notes it set, each workout
   * note in the edit history exactly once (twice would be a double apply), every chat message.
   */
  async audit(route = 'audit'): Promise<AuditResult> {
    const problems: string[] = [];
    const who = this.email;
    if (this.outbox.length) problems.push(`${who}: ${this.outbox.length} mutations never acknowledged`);
    if (this.rejected.length) problems.push(`${who}: mutations rejected: ${this.rejected.slice(0, 3).join(', ')}`);
    const res = await this.http.call(`${route}.digest`, 'GET', '/api/sync/digest', { cookie: this.cookie });
    if (res.status !== 200) return { ok: false, problems: [...problems, `${who}: digest answered ${res.status}`] };
    const local = this.localDigest();
    for (const entity of SYNCED_ENTITIES) {
      const server = res.json.entities[entity] as EntityDigest;
      if (server.count !== local[entity]!.count || server.hash !== local[entity]!.hash) {
        problems.push(`${who}: ${entity} digest differs (server ${server.count}/${server.hash}, device ${local[entity]!.count}/${local[entity]!.hash})`);
      }
    }
    const goals = this.mirror.get('goals')!;
    for (const id of this.intent.goalsCreated) if (!goals.has(id)) problems.push(`${who}: goal ${id} lost`);
    if (goals.size !== this.intent.goalsCreated.size + 1) problems.push(`${who}: ${goals.size} goals, expected ${this.intent.goalsCreated.size + 1}`);
    for (const [id, title] of this.intent.goalTitles)
      if (goals.get(id)?.title !== title) problems.push(`${who}: goal ${id} title ${String(goals.get(id)?.title)} ≠ ${title}`);
    const workouts = this.mirror.get('workouts')!;
    for (const [id, notes] of this.intent.workoutNotes)
      if (workouts.get(id)?.notes !== notes) problems.push(`${who}: workout ${id} notes ${String(workouts.get(id)?.notes)} ≠ ${notes}`);
    const edits = new Map<string, number>();
    for (const edit of this.mirror.get('workout_edits')!.values()) {
      if (edit.field === 'notes' && typeof edit.new_value === 'string') edits.set(edit.new_value, (edits.get(edit.new_value) ?? 0) + 1);
    }
    for (const notes of this.intent.notesSent) {
      const times = edits.get(notes) ?? 0;
      if (times !== 1) problems.push(`${who}: note "${notes}" is in the edit history ${times} times (expected once)`);
    }
    const profile = [...this.mirror.get('user_profiles')!.values()][0];
    if (this.intent.injuryNotes !== null && profile?.injury_notes !== this.intent.injuryNotes)
      problems.push(`${who}: injury notes ${String(profile?.injury_notes)} ≠ ${this.intent.injuryNotes}`);
    const messages = this.mirror.get('chat_messages')!;
    for (const id of this.intent.chatSent) if (!messages.has(id)) problems.push(`${who}: chat message ${id} lost`);
    for (const id of this.intent.chatAnswered) {
      if (!messages.has(id)) problems.push(`${who}: coach chat message ${id} lost`);
      const replies = [...messages.values()].filter((m) => m.role === 'assistant' && (m.metadata as { reply_to?: string } | null)?.reply_to === id);
      if (replies.length !== 1) problems.push(`${who}: ${replies.length} coach replies to ${id} (expected 1)`);
    }
    return { ok: problems.length === 0, problems };
  }

  /** How many mutations the runner made so far. */
  get mutationsMade(): number {
    return this.nextId - 1;
  }
}

/** Makes an invite through the operator endpoint (loopback, admin token from DATA_DIR). */
export async function makeInvite(http: Http, adminToken: string): Promise<string> {
  const res = await http.call('setup.invite', 'POST', '/api/admin/invites', { body: {}, headers: { authorization: `Bearer ${adminToken}` } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${res.error ?? res.text}`);
  return res.json.code as string;
}
