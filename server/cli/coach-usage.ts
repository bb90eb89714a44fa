import { parseArgs } from 'node:util';
import { z } from 'zod';
import { coachUsageReport, CoachUsageQuerySchema, type UsageReport } from '../coach/usage-report.ts';
import { fail, operatorRoute } from '../db/open-for-cli.ts';

// `npm run coach:usage [-- --since 2026-11-01 --until 2026-11-30 --user UUID --by month]`: the
// coach's tokens and estimated cost per runner per day (or month), from the API's own usage
// fields, priced by the defaults in server/coach/claude/prices.ts and COACH_PRICES.

const USAGE = 'Usage: npm run coach:usage [-- --since YYYY-MM-DD --until YYYY-MM-DD --user USER_ID --by day|month]';

function parse() {
  try {
    return parseArgs({ options: { since: { type: 'string' }, until: { type: 'string' }, user: { type: 'string' }, by: { type: 'string' } } }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}
const flags = Object.fromEntries(Object.entries(parse()).filter(([, value]) => value !== undefined)) as Record<string, string>;
const checked = CoachUsageQuerySchema.safeParse(flags);
if (!checked.success) fail(`${z.prettifyError(checked.error)}\n${USAGE}`);

const route = await operatorRoute();
let report: UsageReport;
if (route.kind === 'server') {
  // PGlite held by a running server: asked through its loopback admin endpoint.
  report = (await route.get(`/coach/usage?${new URLSearchParams(flags).toString()}`)) as UsageReport;
} else {
  try {
    report = await coachUsageReport(route.db, checked.data, route.config.anthropic.prices);
  } finally {
    await route.done();
  }
}

const k = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));
const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const header = [report.by, 'runner', 'calls', 'input', 'cache write', 'cache read', 'output', 'cached', 'est. cost'];
const lines = report.rows.map((r) => [
  r.period,
  r.email,
  String(r.calls),
  k(r.input_tokens),
  k(r.cache_creation_input_tokens),
  k(r.cache_read_input_tokens),
  k(r.output_tokens),
  `${Math.round(r.cache_share * 100)}%`,
  `${usd(r.cost_usd)}${r.unpriced_models.length ? '*' : ''}`,
]);
const t = report.total;
lines.push([
  'total',
  `${t.runners} runner(s)`,
  String(t.calls),
  k(t.input_tokens),
  k(t.cache_creation_input_tokens),
  k(t.cache_read_input_tokens),
  k(t.output_tokens),
  `${Math.round(t.cache_share * 100)}%`,
  usd(t.cost_usd),
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const print = (cells: string[]) => console.log(cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '));
if (report.rows.length === 0) console.log('No coach usage in that range.');
else {
  print(header);
  for (const line of lines) print(line);
  console.log(`\nPer runner over the range: ${usd(t.cost_per_runner_usd)}.`);
  if (t.unpriced_models.length)
    console.log(`* priced as Sonnet (no price known): ${t.unpriced_models.join(', ')}; set COACH_PRICES=model=input/output (USD per million tokens).`);
}
