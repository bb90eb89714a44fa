import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { decodeWorkout, describeStep } from '../../shared/fit/decode.ts';
import { encodeWorkout, type Targets } from '../../shared/fit/encode.ts';
import { toIssues, type Issue } from '../../shared/schema/issues.ts';
import { PACE_TARGETS, type WorkoutStructure } from '../../shared/schema/workout.ts';

// `npm run fit -- <workout.json> <out.fit>`: encodes one workout as a Garmin .FIT file.
// The JSON is {name, structure, units?, pace_table? | heart_rate_table?}; tables are keyed by
// pace target (easy, interval, …), paces in seconds per km, heart rates in bpm.

const USAGE = 'usage: npm run fit -- <workout.json> <out.fit>';

const Target = z.enum(PACE_TARGETS);
const InputSchema = z
  .object({
    name: z.string(),
    structure: z.unknown(),
    units: z.enum(['km', 'mi']).optional(),
    pace_table: z.partialRecord(Target, z.object({ slow_seconds_per_km: z.number(), fast_seconds_per_km: z.number() }).strict()).optional(),
    heart_rate_table: z.partialRecord(Target, z.object({ low_bpm: z.number(), high_bpm: z.number() }).strict()).optional(),
    vdot: z.unknown().optional(),
    paces: z.unknown().optional(),
  })
  .strict();

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

function failIssues(what: string, issues: Issue[]): never {
  fail([what, ...issues.map((issue) => `  ${issue.path || '(top level)'}: ${issue.message}`)]);
}

const { positionals } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: {} });
  } catch (error) {
    return fail([String(error instanceof Error ? error.message : error), USAGE]);
  }
})();
const [inPath, outPath] = positionals;
if (!inPath || !outPath || positionals.length !== 2) fail([USAGE]);

let json: unknown;
try {
  json = JSON.parse(readFileSync(inPath, 'utf8'));
} catch (error) {
  fail([`cannot read ${inPath}: ${error instanceof Error ? error.message : String(error)}`]);
}

const parsed = InputSchema.safeParse(json);
if (!parsed.success) failIssues(`${inPath} is not a workout file:`, toIssues(parsed.error));
const input = parsed.data;

if (input.vdot !== undefined || input.paces !== undefined) {
  fail(['vdot and paces are not supported here yet: give "pace_table" (seconds per km for each pace target) or "heart_rate_table".']);
}
if ((input.pace_table === undefined) === (input.heart_rate_table === undefined)) {
  fail(['give exactly one of "pace_table" or "heart_rate_table".']);
}
const targets: Targets = input.pace_table ? { kind: 'pace', table: input.pace_table } : { kind: 'heart_rate', table: input.heart_rate_table ?? {} };

const result = encodeWorkout({
  name: input.name,
  // encodeWorkout validates the structure itself and reports every problem.
  structure: input.structure as WorkoutStructure,
  targets,
  // uint32z: 0 would drop the field, so draw from 1 … 2^32 − 1.
  serialNumber: randomInt(1, 0x1_0000_0000),
  timeCreated: new Date(),
  ...(input.units ? { units: input.units } : {}),
});
if (!result.ok) failIssues(`${inPath}: the workout cannot be encoded:`, result.issues);

try {
  writeFileSync(outPath, result.bytes);
} catch (error) {
  fail([`cannot write ${outPath}: ${error instanceof Error ? error.message : String(error)}`]);
}

// Read the file back, so what is printed is what the watch will get.
const check = decodeWorkout(result.bytes);
if (!check.ok) failIssues(`${outPath} was written but does not read back (a bug):`, check.issues);
console.log(`wrote ${outPath}: ${result.bytes.length} bytes, "${check.workout.name ?? ''}", ${check.workout.steps.length} steps`);
for (const step of check.workout.steps) console.log(`  ${describeStep(step)}`);
console.log('To load it: copy it to GARMIN/NewFiles on the watch over USB.');
