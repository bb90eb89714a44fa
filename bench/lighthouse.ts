import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { chromiumPath, seedRunner, startBenchApp } from './first-load.ts';
import { median, type BenchFigure } from './lib.ts';
import { freePort } from '../ops/lib/util.ts';

// Lighthouse (issue 21): mobile, simulated throttling (Lighthouse's defaults: slow 4G, 4× CPU),
// run against Debian's Chromium on the built app served by the real server, for the sign-in
// page and for Today signed in (the session cookie sent with every request). Scores are
// medians of RUNS runs; LCP is Lighthouse's simulated largest contentful paint.

const RUNS = 3;
const SCORE_TARGET = 0.95;
const LCP_TARGET_S = 2.0;

/** Lighthouse's scores and LCP for the pages a runner opens first. */
export async function benchLighthouse(): Promise<BenchFigure[]> {
  const app = await startBenchApp();
  const port = await freePort();
  // Lighthouse drives the browser over the DevTools protocol on `port`; playwright only launches it.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', `--remote-debugging-port=${port}`],
  });
  try {
    const session = await seedRunner(app.server, app.url);
    const figures: BenchFigure[] = [];
    for (const [label, path, cookie] of [
      ['sign-in page', '/signin', null],
      ['Today, signed in', '/', session],
    ] as const) {
      const scores: Record<'performance' | 'accessibility' | 'best-practices', number[]> = { performance: [], accessibility: [], 'best-practices': [] };
      const lcp: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const result = await lighthouse(`${app.url}${path}`, {
          port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices'],
          ...(cookie ? { extraHeaders: { cookie: `rc_session=${cookie}` } } : {}),
        });
        if (!result) throw new Error(`Lighthouse gave no result for ${path}`);
        const { lhr } = result;
        if (lhr.runtimeError) throw new Error(`Lighthouse on ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        if (new URL(lhr.finalDisplayedUrl).pathname !== path) throw new Error(`${path} ended on ${lhr.finalDisplayedUrl}`);
        for (const category of Object.keys(scores) as (keyof typeof scores)[]) {
          const score = lhr.categories[category]?.score;
          if (typeof score !== 'number') throw new Error(`Lighthouse gave no ${category} score for ${path}`);
          scores[category].push(score);
        }
        lcp.push(lhr.audits['largest-contentful-paint']!.numericValue! / 1000);
      }
      for (const [category, values] of Object.entries(scores)) {
        const score = median(values);
        figures.push({ name: `Lighthouse ${category}, ${label} (mobile)`, value: score, unit: '', target: `≥ ${SCORE_TARGET}`, ok: score >= SCORE_TARGET });
      }
      const l = median(lcp);
      figures.push({
        name: `Lighthouse LCP, ${label} (mobile, simulated)`,
        value: l,
        unit: 's',
        target: `≤ ${LCP_TARGET_S.toFixed(1)} s`,
        ok: l <= LCP_TARGET_S,
      });
    }
    return figures;
  } finally {
    await browser.close();
    await app.close();
  }
}
