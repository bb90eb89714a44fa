/**
 * `npm run test:explore`: every property and randomized suite with fresh seeds and many more runs
 * than `npm test` gives them. npm test is the gate and runs fixed seeds; this is where new
 * counterexamples are found. A failure prints the seed to replay (FC_SEED=… with the same FC_RUNS,
 * FUZZ_SEED=…, or SYNC_SEED_BASE=… SYNC_SEEDS=1); pin what it finds in the property's `examples`.
 *
 *   npm run test:explore                     # one round, fresh seeds, properties ×10
 *   npm run test:explore -- --rounds 3 --runs x20
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '1' }, runs: { type: 'string', default: 'x10' } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number from 1 up');

// The suites with randomized inputs: fast-check properties (FC_*), the route fuzz (FUZZ_*), and
// the randomized multi-device sync run (SYNC_*). PGlite only: a wide run on one machine. The
// property files are found, not listed, so a new property is explored from the day it lands.
const PROPERTY_FILES = execFileSync('git', ['ls-files', '*.test.ts'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => file !== '' && !file.endsWith('.pg.test.ts') && !file.startsWith('tests/browser/') && file !== 'server/fuzz.test.ts')
  .filter((file) => /\bfc\.(assert|property|asyncProperty)\(/.test(readFileSync(file, 'utf8')));

interface Suite {
  name: string;
  files: string[];
  env: (seed: number) => Record<string, string>;
  replay: (seed: number) => string;
}

const suites: Suite[] = [
  {
    name: 'properties',
    files: PROPERTY_FILES,
    env: (seed) => ({ FC_SEED: String(seed), FC_RUNS: values.runs! }),
    replay: (seed) => `FC_SEED=${seed} FC_RUNS=${values.runs} npx vitest run <file>`,
  },
  {
    name: 'route fuzz',
    files: ['server/fuzz.test.ts'],
    env: (seed) => ({ FUZZ_SEED: String(seed), FUZZ_RUNS: '6000' }),
    replay: (seed) => `FUZZ_SEED=${seed} FUZZ_RUNS=6000 npx vitest run server/fuzz.test.ts`,
  },
  {
    name: 'randomized sync',
    files: ['tests/sync/random.test.ts'],
    env: (seed) => ({ SYNC_SEED_BASE: String(seed), SYNC_SEEDS: '100', SYNC_PG_SEEDS: '0' }),
    replay: (seed) => `SYNC_SEED_BASE=<the failing seed ≥ ${seed}> SYNC_SEEDS=1 npx vitest run tests/sync/random.test.ts`,
  },
];

const failures: string[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const suite of suites) {
    const seed = randomInt(1, 2 ** 31 - 1);
    console.log(`\n== round ${round}/${rounds}: ${suite.name}, seed ${seed}`);
    // Many more runs than npm test's: a property may take minutes, which is not a failure here.
    const run = spawnSync('npx', ['vitest', 'run', '--reporter=dot', '--testTimeout=1800000', ...suite.files], {
      stdio: 'inherit',
      env: { ...process.env, ...suite.env(seed), TEST_DATABASE_URL: '' },
    });
    if (run.status !== 0) failures.push(`${suite.name} (seed ${seed}); replay: ${suite.replay(seed)}`);
  }
}

console.log(`\n${failures.length === 0 ? 'no counterexample found' : `${failures.length} run(s) found counterexamples:`}`);
for (const f of failures) console.log(`  - ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
