import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchFigure } from './lib.ts';

// `npm run bench`: every benchmark the issues ask for, one table, and bench/results.json.
// Each figure is a median over repeated runs on this machine; ratios are measured side by
// side in the same run. `npm run bench -- fit training` runs only the named suites.

const suites: Record<string, () => Promise<BenchFigure[]>> = {
  training: async () => (await import('./training.ts')).benchTraining(),
  plans: async () => (await import('./plans.ts')).benchPlans(),
  load: async () => (await import('./load.ts')).benchLoad(),
  fit: async () => (await import('./fit.ts')).benchFit(),
  import: async () => (await import('./import.ts')).benchImport(),
  client: async () => (await import('./client.ts')).benchClient(),
  'offline-start': async () => (await import('./offline-start.ts')).benchOfflineStart(),
  coach: async () => (await import('./coach.ts')).benchCoach(),
  strava: async () => (await import('./strava.ts')).benchStrava(),
  sync: async () => (await import('./sync.ts')).benchSync(),
  notifications: async () => (await import('./notifications.ts')).benchNotifications(),
  transfer: async () => (await import('./transfer.ts')).benchTransfer(),
  server: async () => (await import('./server.ts')).benchServer(),
  'first-load': async () => (await import('./first-load.ts')).benchFirstLoad(),
  lighthouse: async () => (await import('./lighthouse.ts')).benchLighthouse(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(1);
}

const rows: (BenchFigure & { suite: string })[] = [];
for (const [suite, run] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(suite)) continue;
  process.stderr.write(`running ${suite}…\n`);
  for (const figure of await run()) rows.push({ suite, ...figure });
}

const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3));
const table = rows.map((row) => ({
  figure: row.name,
  value: `${format(row.value)} ${row.unit}`,
  target: row.target ?? '',
  ratio: row.ratio === undefined ? '' : `${format(row.ratio)}×`,
  met: row.ok === undefined ? '' : row.ok ? 'yes' : 'NO',
}));
const columns = ['figure', 'value', 'target', 'ratio', 'met'] as const;
const widths = columns.map((column) => Math.max(column.length, ...table.map((row) => row[column].length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
console.log(line([...columns]));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(columns.map((column) => row[column])));

mkdirSync('bench', { recursive: true });
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30) };
writeFileSync('bench/results.json', `${JSON.stringify({ at: new Date().toISOString(), machine, figures: rows }, null, 2)}\n`);
console.log('\nwritten to bench/results.json');
