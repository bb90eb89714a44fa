import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BAD_TEXT_MESSAGE } from '#shared/schema/text.ts';
import { MAX_MUTATIONS_PER_PUSH, PROTOCOL_VERSION, SCHEMA_VERSION } from '#shared/sync/protocol.ts';
import { syncMutationResult } from '../db/schema.ts';
import { runRetentionPurge } from '../operator/maintenance.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { devicePlan } from '../test/fuzz-world.ts';
import { call, signUp, useTestApp } from '../test/harness.ts';
import { TestDevice } from '../test/sync-device.ts';
import { MAX_REJECTION_BYTES } from './rejections.ts';
import { pruneMutationResults, RESULT_RETENTION_DAYS } from './prune.ts';

// Issue 15 through sync, on each database (PGlite and Postgres refuse the same text): a mutation holding text the database cannot store is rejected on its
// own and the rest of the push applies, so the device is never stuck (M5); an id already used is
// one rejection whoever used it (I3); a refusal stores no arguments and at most 1 KB, and stored
// answers no device can ask for again are pruned (L4).

/** The suite, on the database `open` gives. */
export function hostilePushContract(label: string, open: () => Promise<DatabaseHandle>): void {
  describe(`hostile pushes (${label})`, () => {
    const t = useTestApp({}, open);
    const wall = () => t.clock.now().getTime();
    const RACE = { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2026-05-10' };
    const PROFILE = { current_weekly_mileage_miles: 20, days_available_per_week: 4, easy_pace_per_mile_seconds: 600 };

    async function runner() {
      const { cookie, user } = await signUp(t);
      return { cookie, user, phone: new TestDevice(t.app, cookie, wall) };
    }

    const storedErrors = async (clientId: string) =>
      (await t.deps.db.select().from(syncMutationResult).where(eq(syncMutationResult.client_id, clientId)))
        .filter((r) => r.status === 'rejected')
        .map((r) => r.error as Record<string, unknown>);

    describe('a push holding text the database cannot store (M5)', () => {
      it('rejects only those mutations, naming the field; the others apply and the device goes on', async () => {
        const { cookie, phone } = await runner();
        const [goal, chat, good] = [randomUUID(), randomUUID(), randomUUID()];
        const res = await phone.push([
          phone.mutation('goal.create', { id: randomUUID(), goal: { ...RACE, title: 'Spring\u0000 10K' } }),
          phone.mutation('goal.create', { id: goal, goal: { ...RACE, title: 'Spring 10K' } }),
          phone.mutation('chat.send', { id: chat, content: 'sore knee \u0000 today' }),
          phone.mutation('profile.update', { set: { injury_notes: 'tight calf \ud800' } }),
          phone.mutation('chat.send', { id: good, content: 'all good 😀' }),
        ]);
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        const byId = res.json.results.map((r: { status: string; error?: { code: string; issues?: unknown[] } }) =>
          r.status === 'applied' ? 'applied' : r.error,
        );
        expect(byId[0]).toMatchObject({ code: 'validation_failed', issues: [{ path: 'goal.title', message: BAD_TEXT_MESSAGE }] });
        expect(byId[1]).toBe('applied');
        expect(byId[2]).toMatchObject({ code: 'validation_failed', issues: [{ path: 'content', message: BAD_TEXT_MESSAGE }] });
        expect(byId[3]).toMatchObject({ code: 'validation_failed', issues: [{ path: 'set.injury_notes', message: BAD_TEXT_MESSAGE }] });
        expect(byId[4]).toBe('applied');
        expect((await call(t.app, 'GET', '/api/goals', { cookie })).json.goals.map((g: { id: string }) => g.id)).toEqual([goal]);
        expect((await call(t.app, 'GET', '/api/chat/messages', { cookie })).json.messages.map((m: { content: string }) => m.content)).toEqual(['all good 😀']);
        // The same push again gets the same answers; the next one applies.
        expect(
          (
            await phone.push(
              res.json.results.map((_: unknown, i: number) => ({
                id: i + 1,
                name: 'goal.delete',
                v: 1,
                hlc: '2026-03-02T07:00:00.000Z-0000-0000000000000001',
                args: {},
              })),
            )
          ).json.results,
        ).toEqual(res.json.results);
        const next = await phone.push([phone.mutation('goal.update', { id: goal, set: { title: 'Renamed' } })]);
        expect(next.json).toMatchObject({ lastMutationId: 6, results: [{ id: 6, status: 'applied' }] });
      });

      it('rejects, never fails, arguments the database could not even store: NUL keys, lone surrogates, 10,000 levels deep', async () => {
        const { cookie, phone } = await runner();
        const mutations = [
          phone.mutation('goal.create', { id: randomUUID(), goal: RACE, 'evil\u0000key': 1, '\ud800': 2 }),
          phone.mutation('goal.update', { id: randomUUID(), set: 'DEEP' }),
          phone.mutation('no.such\u0000thing', {}),
          phone.mutation('goal.create', { id: randomUUID(), goal: RACE }),
        ];
        // Built as text: JSON.stringify would recurse 10,000 levels.
        const body = JSON.stringify({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: phone.clientId, mutations });
        const res = await call(t.app, 'POST', '/api/sync/push', { cookie, raw: body.replace('"DEEP"', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)) });
        expect(res.status, JSON.stringify(res.json).slice(0, 500)).toBe(200);
        expect(res.json.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'applied']);
        expect(JSON.stringify(res.json)).not.toMatch(/\\u0000|\\ud800/);
        expect(res.json.results[2].error.code).toBe('unknown_mutation');
      });
    });

    describe('an id already used (I3)', () => {
      it("is the same rejection whether the id is your own or another runner's, for every device-chosen id", async () => {
        const a = await runner();
        const b = await runner();
        for (const { cookie } of [a, b]) {
          expect((await call(t.app, 'PUT', '/api/profile', { cookie, body: PROFILE })).status).toBe(200);
        }
        // A's rows, each under an id A's phone chose.
        const aGoal = (await call(t.app, 'POST', '/api/goals', { cookie: a.cookie, body: RACE })).json.goal;
        // The same engine plan the fuzz world gives its devices (A's profile and a 10 km race).
        const plan = devicePlan();
        const ids = { goal: randomUUID(), chat: randomUUID(), plan: randomUUID(), completion: randomUUID(), activity: randomUUID() };
        const activity = (n: string) => ({
          source: 'fit_upload',
          external_id: `fit-${n}`,
          activity_type: 'Run',
          start_time: '2026-03-01T07:00:00.000Z',
          local_date: '2026-03-01',
          distance_meters: 5000,
          moving_time_seconds: 1800,
          elapsed_time_seconds: 1850,
          laps: [],
        });
        const seeded = await a.phone.push([
          a.phone.mutation('goal.create', { id: ids.goal, goal: { ...RACE, title: 'A private goal' } }),
          a.phone.mutation('chat.send', { id: ids.chat, content: 'A private message' }),
          a.phone.mutation('plan.generate', { plan_id: ids.plan, goal_id: aGoal.id, plan: plan }),
          a.phone.mutation('workout.complete', { id: plan.workouts[0]!.id, completion_id: ids.completion, rpe: 5 }),
          a.phone.mutation('activity.upload', { id: ids.activity, activity: activity('a') }),
        ]);
        expect(
          seeded.json.results.map((r: { status: string }) => r.status),
          JSON.stringify(seeded.json),
        ).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);

        // B's goal and plan, so B's mutations are valid but for the ids.
        const bGoal = (await call(t.app, 'POST', '/api/goals', { cookie: b.cookie, body: RACE })).json.goal;
        const bPlan = (await call(t.app, 'POST', '/api/plans/generate', { cookie: b.cookie, body: { goal_id: bGoal.id } })).json;
        const plannedB = { ...plan, workouts: plan.workouts.map((w) => ({ ...w, id: randomUUID() })) };
        const attempts = (phone: TestDevice, goalId: string, workoutId: string, who: string) => [
          phone.mutation('goal.create', { id: ids.goal, goal: RACE }),
          phone.mutation('chat.send', { id: ids.chat, content: `other words from ${who}` }),
          phone.mutation('plan.generate', { plan_id: ids.plan, goal_id: goalId, plan: plannedB }),
          // A workout id already used (A's, in A's plan): the plan is refused whole.
          phone.mutation('plan.generate', {
            plan_id: randomUUID(),
            goal_id: goalId,
            plan: { ...plannedB, workouts: plannedB.workouts.map((w, i) => (i === 0 ? { ...w, id: plan.workouts[1]!.id } : { ...w, id: randomUUID() })) },
          }),
          phone.mutation('workout.complete', { id: workoutId, completion_id: ids.completion, rpe: 6 }),
          phone.mutation('activity.upload', { id: ids.activity, activity: activity(`${who}-2`) }),
        ];
        const own = await a.phone.push(attempts(a.phone, aGoal.id, plan.workouts[2]!.id, 'a'));
        const other = await b.phone.push(attempts(b.phone, bGoal.id, bPlan.workouts[0].id, 'b'));
        expect(own.status).toBe(200);
        expect(other.status).toBe(200);
        const answers = (res: typeof own) => res.json.results.map((r: { status: string; error?: unknown }) => [r.status, r.error]);
        const taken = ['rejected', { code: 'id_taken', message: 'That id is already used; send it with a new id.' }];
        expect(answers(own)).toEqual(Array(6).fill(taken));
        expect(answers(other)).toEqual(answers(own));
        expect(JSON.stringify(other.json)).not.toContain('private');
        // Nothing of B's attempts reached A's rows.
        expect((await call(t.app, 'GET', '/api/chat/messages', { cookie: a.cookie })).json.messages.map((m: { content: string }) => m.content)).toEqual([
          'A private message',
        ]);
      });
    });

    describe('stored refusals and their pruning (L4)', () => {
      it('stores no arguments and at most 1 KB for a refused mutation, even a 440 KB one', async () => {
        const { phone } = await runner();
        const bigPlan = { workouts: Array.from({ length: 2000 }, (_, i) => ({ id: `w${i}`, title: 'x'.repeat(200), reason: 'y'.repeat(10) })) };
        const res = await phone.push([phone.mutation('plan.generate', { plan_id: randomUUID(), goal_id: randomUUID(), plan: bigPlan })]);
        expect(res.status).toBe(200);
        expect(res.json.results[0].status).toBe('rejected');
        expect(Buffer.byteLength(JSON.stringify(res.json.results[0].error))).toBeLessThanOrEqual(MAX_REJECTION_BYTES);
        const [stored] = await storedErrors(phone.clientId);
        expect(stored).not.toHaveProperty('args');
        expect(stored).toMatchObject({ code: 'validation_failed', name: 'plan.generate', v: 2 });
        expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_REJECTION_BYTES);
      });

      it("prunes results past the retention or the horizon, keeping each client's last push", async () => {
        const { user, phone } = await runner();
        const other = await runner();
        // 130 mutations in two pushes, then one more from another client, all now.
        const first = Array.from({ length: MAX_MUTATIONS_PER_PUSH }, () => phone.mutation('goal.delete', { id: randomUUID() }));
        const firstAnswer = await phone.push(first);
        expect(firstAnswer.status).toBe(200);
        const second = Array.from({ length: 30 }, () => phone.mutation('goal.delete', { id: randomUUID() }));
        const secondAnswer = await phone.push(second);
        expect(secondAnswer.status).toBe(200);
        expect((await other.phone.push([other.phone.mutation('goal.delete', { id: randomUUID() })])).status).toBe(200);

        const count = async (clientId: string) => (await t.deps.db.select().from(syncMutationResult).where(eq(syncMutationResult.client_id, clientId))).length;
        // Fresh: nothing goes.
        expect(await pruneMutationResults(t.deps.db, t.clock.now())).toBe(0);
        // Past the retention: all but the last 100 of each client go, through the hourly purge.
        t.clock.advance((RESULT_RETENTION_DAYS + 1) * 86_400_000);
        const outcome = await runRetentionPurge(t.deps, undefined);
        expect(outcome).toContain('30 sync results');
        expect(await count(phone.clientId)).toBe(MAX_MUTATIONS_PER_PUSH);
        expect(await count(other.phone.clientId)).toBe(1);
        // The kept ones still answer a retried push; a pruned one answers result_expired, not a 500.
        const retry = await phone.push([...first.slice(30), ...second]);
        expect(retry.status).toBe(200);
        expect(retry.json.results).toEqual([...firstAnswer.json.results.slice(30), ...secondAnswer.json.results]);
        const again = await phone.push(first.slice(0, 31));
        expect(again.status).toBe(200);
        expect(again.json.results[0]).toMatchObject({ id: 1, status: 'rejected', error: { code: 'result_expired' } });
        expect(again.json.results[29]).toMatchObject({ id: 30, status: 'rejected', error: { code: 'result_expired' } });
        expect(again.json.results[30]).toEqual(firstAnswer.json.results[30]);

        // Below the runner's horizon goes too, whatever its age (outside the last push).
        const more = Array.from({ length: 101 }, () => phone.mutation('goal.delete', { id: randomUUID() }));
        await phone.push(more.slice(0, 100));
        await phone.push(more.slice(100));
        await t.deps.db.execute(sql`update sync_user set horizon = version + 1 where user_id = ${user.id}`);
        expect(await pruneMutationResults(t.deps.db, t.clock.now())).toBe(101);
        expect(await count(phone.clientId)).toBe(MAX_MUTATIONS_PER_PUSH);
      });
    });
  });
}
