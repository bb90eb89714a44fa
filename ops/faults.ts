import { diskFull } from './faults/disk-full.ts';
import { hangingUpstreams } from './faults/hanging-upstreams.ts';
import { killDuringSync } from './faults/kill-sync.ts';
import { killDuringWebhooks } from './faults/kill-webhooks.ts';
import { postgresRestart } from './faults/postgres-restart.ts';
import { ScenarioResult } from './faults/common.ts';
import { destroyAllClusters } from './lib/postgres.ts';
import { destroyAllDisks } from './lib/small-disk.ts';
import { closeAllWorlds } from './lib/world.ts';

// `npm run test:faults`: each fault scenario against a real server process, with its audit.
// Prints PASS/FAIL per scenario and check, a summary line, and exits non-zero on any failure.
// `npm run test:faults -- kill-sync-pglite hang` runs only the named scenarios.

const scenarios: Record<string, () => Promise<ScenarioResult>> = {
  'kill-sync-postgres': () => killDuringSync('postgres'),
  'kill-sync-pglite': () => killDuringSync('pglite'),
  'kill-webhooks': () => killDuringWebhooks(),
  'postgres-restart': () => postgresRestart(),
  'disk-full': () => diskFull(),
  hang: () => hangingUpstreams(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in scenarios));
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

/** A scenario that takes longer has hung somewhere: it fails, and its processes are stopped. */
const SCENARIO_TIMEOUT_MS = Number(process.env.FAULTS_SCENARIO_TIMEOUT_MS ?? 240_000);

async function cleanUp(): Promise<void> {
  await closeAllWorlds();
  destroyAllClusters();
  destroyAllDisks();
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

const started = performance.now();
const results: ScenarioResult[] = [];
for (const [name, run] of Object.entries(scenarios)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const t0 = performance.now();
  process.stdout.write(`\n▶ ${name}\n`);
  let result: ScenarioResult;
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish within ${SCENARIO_TIMEOUT_MS / 1000} s`)), SCENARIO_TIMEOUT_MS)),
    );
    result = await Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    await cleanUp();
    result = new ScenarioResult(name);
    result.check('scenario ran to the end', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  results.push(result);
  for (const note of result.notes) process.stdout.write(`  · ${note}\n`);
  for (const check of result.checks) process.stdout.write(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? ` — ${check.detail}` : ''}\n`);
  process.stdout.write(`${result.ok ? 'PASS' : 'FAIL'} ${result.name} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}

const failed = results.filter((r) => !r.ok);
process.stdout.write(
  `\nfaults: ${results.length - failed.length} passed, ${failed.length} failed in ${((performance.now() - started) / 1000).toFixed(0)} s${failed.length ? ` (failed: ${failed.map((r) => r.name).join(', ')})` : ''}\n`,
);
process.exit(failed.length ? 1 : 0);
