/** Benchmark: the coach's streaming overhead (through our server vs straight to Claude), context building for a year of history, and what prompt caching saves over 10 questions. */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCoachContext } from '../server/coach/context.ts';
import { clearBlockCache } from '../server/coach/context-cache.ts';
import { chatMessages, stravaActivities, workoutCompletions, workouts } from '../server/db/schema.ts';
import { createInvite } from '../server/accounts/users.ts';
import { createClaude, type Usage } from '../server/coach/claude/client.ts';
import { costOf, priceOf, promptTokens } from '../server/coach/claude/prices.ts';
import { loadConfig } from '../server/lib/config.ts';
import type { Logger } from '../server/lib/log.ts';
import { startServer } from '../server/server.ts';
import { startAnthropicStandin } from '../server/test/anthropic-standin.ts';
import { ask, median, medianMs, type BenchFigure } from './lib.ts';

const KEY = 'sk-ant-bench-0123456789';
const RUNS = 60;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

// The Claude stand-in runs in its own process, as the real API does: work the server does on
// its own thread (PGlite is synchronous WASM) then overlaps the model's round trip, as in production.
if (process.argv.includes('--anthropic-standin')) {
  const standin = await startAnthropicStandin({ apiKey: KEY, chunkDelayMs: 0 });
  process.on('message', (message) => {
    if (message === 'last') process.send!({ last: standin.requests.at(-1)?.raw });
    if (message === 'clear') {
      standin.cache.clear();
      process.send!({ cleared: true });
    }
  });
  // The parent gone (done or crashed): nothing left to serve.
  process.on('disconnect', () => process.exit(0));
  process.send!({ baseUrl: standin.baseUrl });
}

/** Time-to-first-delta through a real server on loopback vs the SDK straight to the same stand-in, and context-building time. */
export async function benchCoach(): Promise<BenchFigure[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--anthropic-standin'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const standinUrl = await ask<string>(child, '', 'baseUrl');
  const dataDir = mkdtempSync(join(tmpdir(), 'runcoach-bench-coach-'));
  // COACH_PRICES and ANTHROPIC_MODEL from the environment price the turns (`COACH_PRICES=claude-sonnet-5-5=3/15 npm run bench -- coach`).
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: standinUrl,
    COACH_DAILY_TOKEN_BUDGET: '1000000000',
    ANTHROPIC_MODEL: process.env.ANTHROPIC_MODEL,
    COACH_PRICES: process.env.COACH_PRICES,
  });
  // The job workers poll the same PGlite: off here, so the figure is the chat path's own cost.
  const server = await startServer(config, { host: '127.0.0.1', log: quiet, jobs: { work: false, schedule: false } });
  try {
    const api = async (path: string, body: unknown, cookie?: string) => {
      const res = await fetch(`${server.url}/api${path}`, {
        method: path === '/profile' ? 'PUT' : 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      return { res, json: (await res.json()) as any };
    };
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    const registered = await api('/auth/register', { invite_code: code, name: 'Bench Runner', email: 'bench@example.com', password: 'long enough password' });
    const cookie = registered.res.headers.get('set-cookie')!.split(';')[0]!;
    await api('/profile', { current_weekly_mileage_miles: 30, days_available_per_week: 5, easy_pace_per_mile_seconds: 570, time_zone: 'UTC' }, cookie);
    const goal = (
      await api(
        '/goals',
        { goal_type: 'race', target_race_distance_meters: 42_195, target_race_date: isoDaysFromNow(120), target_time_seconds: 4 * 3600 },
        cookie,
      )
    ).json.goal;
    await api('/plans/generate', { goal_id: goal.id }, cookie);

    // Through the server: POST /api/coach/chat until the first `delta` event arrives.
    const viaServer = async (n: number) => {
      const start = performance.now();
      const res = await fetch(`${server.url}/api/coach/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ message: `How is my training going? (${n})` }),
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      let first = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
        if (!first && seen.includes('event: delta')) first = performance.now() - start;
      }
      if (!first) throw new Error(`no delta streamed: ${seen.slice(0, 200)}`);
      return first;
    };
    // One question through the server; the usage the `done` event reports (summed over the tool loop).
    const usageOf = async (message: string): Promise<Usage> => {
      const res = await fetch(`${server.url}/api/coach/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ message }),
      });
      const text = await res.text();
      const done = text.split('\n\n').find((block) => block.startsWith('event: done'));
      if (!done) throw new Error(`no done event: ${text.slice(0, 200)}`);
      return JSON.parse(
        done
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6),
      ).usage as Usage;
    };
    // Direct: the same SDK client, the same request body (the last one the server sent), to the same stand-in.
    const claude = createClaude(config.anthropic)!;
    const direct = async (body: any) => {
      const start = performance.now();
      let first = 0;
      await claude.stream({
        system: body.system,
        messages: body.messages,
        tools: body.tools,
        maxTokens: body.max_tokens,
        onText: () => (first ||= performance.now() - start),
      });
      return first;
    };
    const lastBody = () => ask<any>(child, 'last', 'last');
    for (let i = 0; i < 5; i++) {
      await viaServer(i);
      await direct(await lastBody());
    }
    const server_ms: number[] = [];
    const direct_ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      server_ms.push(await viaServer(i));
      direct_ms.push(await direct(await lastBody()));
    }
    const s = median(server_ms);
    const d = median(direct_ms);
    const added = s - d;

    const year = await seedYear(server.deps.db, registered.json.user.id);
    const now = new Date();
    let tokens = 0;
    const build = async () => {
      tokens = (await buildCoachContext(server.deps.db, registered.json.user.id, { now, dataInAi: false, current: 'How am I doing?' })).tokens;
    };
    const coldMs = await medianMs(async () => {
      clearBlockCache();
      await build();
    }, 30);
    const warmMs = await medianMs(build, 30);

    // Ten questions in a row from a cold prompt cache, usage as the stand-in reports it (the API's rules).
    await ask(child, 'clear', 'cleared');
    const turns: Usage[] = [];
    for (let i = 0; i < 10; i++) turns.push(await usageOf(`Question ${i + 1}: how should I pace this week's long run?`));
    const price = priceOf(config.anthropic.models.chat, config.anthropic.prices);
    const uncachedCost = (u: Usage) => costOf({ input_tokens: promptTokens(u), output_tokens: u.output_tokens }, price);
    const share = (u: Usage) => (u.cache_read_input_tokens ?? 0) / promptTokens(u);
    printTurns(turns, price, uncachedCost);
    const later = turns.slice(1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const minShare = Math.min(...later.map(share));
    const costNo = mean(turns.map(uncachedCost));
    const costYes = mean(turns.map((u) => costOf(u, price)));
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const cents = (usd: number) => Math.round(usd * 1e6) / 1e4;
    return [
      { name: 'coach: first delta through the server (median)', value: r2(s), unit: 'ms' },
      { name: 'coach: first delta direct to the same stand-in (median)', value: r2(d), unit: 'ms' },
      { name: 'coach: latency the server adds to the first delta', value: r2(added), unit: 'ms', target: '< 20 ms', ratio: r2(s / d), ok: added < 20 },
      { name: `coach: build context, a year of history (${year}) → ~${tokens} tokens`, value: r2(coldMs), unit: 'ms' },
      { name: 'coach: build context again, runner data unchanged (block cache)', value: r2(warmMs), unit: 'ms' },
      {
        name: 'coach: 10 questions, prompt tokens per turn (median; all billed as input without caching)',
        value: median(turns.map(promptTokens)),
        unit: 'tokens',
      },
      {
        name: 'coach: 10 questions, uncached input per turn with caching (input + cache writes, turns 2–10 median)',
        value: median(later.map((u) => u.input_tokens + (u.cache_creation_input_tokens ?? 0))),
        unit: 'tokens',
      },
      {
        name: 'coach: 10 questions, share of prompt read from cache (lowest of turns 2–10)',
        value: r2(minShare * 100),
        unit: '%',
        target: '≥ 70%',
        ok: minShare >= 0.7,
      },
      {
        name: `coach: est. cost per turn without caching (${config.anthropic.models.chat} at $${price.input}/$${price.output} per M)`,
        value: cents(costNo),
        unit: '¢',
      },
      { name: 'coach: est. cost per turn with caching (mean of 10, writes 1.25×, reads 0.1×)', value: cents(costYes), unit: '¢', ratio: r2(costYes / costNo) },
    ];
  } finally {
    await server.close();
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A per-turn table of the 10 questions, printed before the figures. */
function printTurns(turns: Usage[], price: { input: number; output: number }, uncachedCost: (u: Usage) => number): void {
  const rows = turns.map((u, i) => [
    String(i + 1),
    String(promptTokens(u)),
    String(u.input_tokens),
    String(u.cache_creation_input_tokens ?? 0),
    String(u.cache_read_input_tokens ?? 0),
    `${Math.round(((u.cache_read_input_tokens ?? 0) / promptTokens(u)) * 100)}%`,
    `${(uncachedCost(u) * 100).toFixed(3)}¢`,
    `${(costOf(u, price) * 100).toFixed(3)}¢`,
  ]);
  const head = ['turn', 'prompt (uncached)', 'input', 'cache write', 'cache read', 'from cache', 'cost uncached', 'cost cached'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`coach: a runner with a year of history asks 10 questions in a row (input $${price.input}/M, output $${price.output}/M)`);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  console.log('');
}

function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** ~365 runs (half from Strava), ~200 more workouts with completions, 200 chat messages. */
async function seedYear(db: Awaited<ReturnType<typeof startServer>>['deps']['db'], userId: string): Promise<string> {
  const day = (n: number) => isoDaysFromNow(-n);
  const runs = Array.from({ length: 365 }, (_, i) => ({
    user_id: userId,
    source: (i % 2 ? 'strava' : 'fit_upload') as 'strava' | 'fit_upload',
    external_id: `bench-${i}`,
    activity_type: 'Run',
    name: `Run ${i}`,
    start_date: new Date(`${day(i)}T07:00:00Z`),
    local_date: day(i),
    distance_meters: 6000 + (i % 7) * 1500,
    moving_time_seconds: 2000 + (i % 7) * 500,
    elapsed_time_seconds: 2100 + (i % 7) * 500,
    average_heartrate: 140 + (i % 10),
    total_elevation_gain: 30 + (i % 5) * 10,
  }));
  const activityRows = await db
    .insert(stravaActivities)
    .values(runs)
    .returning({ id: stravaActivities.id, date: stravaActivities.local_date, source: stravaActivities.source });
  const past = await db
    .insert(workouts)
    .values(
      Array.from({ length: 200 }, (_, i) => ({
        user_id: userId,
        scheduled_date: day(i + 1),
        workout_type: 'easy',
        title: `Easy ${i}`,
        structure: { segments: [{ type: 'steady', duration_seconds: 2400, pace_target: 'easy' }] },
        estimated_distance_meters: 7000,
        estimated_duration_minutes: 40,
        status: 'completed',
      })),
    )
    .returning({ id: workouts.id, date: workouts.scheduled_date });
  const byDate = new Map(activityRows.map((a) => [a.date, a]));
  await db.insert(workoutCompletions).values(
    past.map((w, i) => ({
      user_id: userId,
      workout_id: w.id,
      strava_activity_id: byDate.get(w.date)?.id ?? null,
      completion_status: 'completed' as const,
      distance_meters: 7000,
      duration_seconds: 2400,
      rpe: 4,
      notes: i % 5 ? null : 'felt fine',
    })),
  );
  await db.insert(chatMessages).values(
    Array.from({ length: 200 }, (_, i) => ({
      user_id: userId,
      conversation_id: '7a1f0c2e-0000-4000-8000-000000000001',
      role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
      content: `Message ${i}: ${'how should I pace my long run this weekend? '.repeat(3)}`,
      created_at: new Date(Date.now() - (200 - i) * 3_600_000),
    })),
  );
  return '365 runs, 200 past workouts + a plan, 200 messages';
}
