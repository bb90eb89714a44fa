import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ensureBuild } from '../scripts/app-build.ts';
import { formatHlc, nodeIdFor } from '../shared/sync/hlc.ts';
import { DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, SCHEMA_VERSION } from '../shared/sync/protocol.ts';
import { createInvite } from '../server/accounts/users.ts';
import { loadConfig } from '../server/lib/config.ts';
import { memoryLogger } from '../server/lib/log.ts';
import { startServer } from '../server/server.ts';
import { median, type BenchFigure } from './lib.ts';

// Bytes a phone downloads, compressed (what the server sends a browser that accepts br) vs
// raw, counted on the wire of the real server over loopback; and the server CPU that
// compressing a pull costs, as a ratio to answering the same pull uncompressed.

const CHANGES = 10_000;
const INCREMENTAL = 20;
const CPU_RUNS = 5;
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

interface Wire {
  bytes: number;
  encoding: string | null;
  body: Buffer;
}

/** One HTTP exchange through node:http, which does not decode: the bytes as sent. */
function exchange(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${url} answered ${res.statusCode}`));
        else resolve({ bytes: body.byteLength, encoding: (res.headers['content-encoding'] as string | undefined) ?? null, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const kb = (bytes: number) => bytes / 1024;

const decode = (wire: Wire) =>
  (wire.encoding === 'br' ? brotliDecompressSync(wire.body) : wire.encoding === 'gzip' ? gunzipSync(wire.body) : wire.body).toString();

function pair(name: string, raw: number, compressed: number): BenchFigure[] {
  return [
    { name: `${name}: raw`, value: kb(raw), unit: 'KB' },
    { name: `${name}: compressed (br)`, value: kb(compressed), unit: 'KB', ratio: compressed / raw },
  ];
}

/** Transfer sizes (first load signed out, first and incremental pulls) and compression CPU per pull. */
export async function benchTransfer(): Promise<BenchFigure[]> {
  const { dir } = await ensureBuild();
  const server = await startServer(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'runcoach-bench-')), PORT: '0' }), {
    staticDir: dir,
    log: memoryLogger(),
    host: '127.0.0.1',
  });
  const url = server.url.replace('127.0.0.1', 'localhost');
  try {
    const figures: BenchFigure[] = [];

    // First load signed out: every URL Chromium asks for (the service worker blocked: its
    // precache is reported on its own line), each fetched again plain and with br.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const urls = new Set<string>();
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
      const page = await context.newPage();
      page.on('request', (req) => {
        if (req.url().startsWith(url) && !req.url().includes('/api/')) urls.add(req.url());
      });
      await page.goto(`${url}/`, { waitUntil: 'networkidle' });
      await context.close();
    } finally {
      await browser.close();
    }
    let pageRaw = 0;
    let pageBr = 0;
    for (const asset of urls) {
      pageRaw += (await exchange(asset)).bytes;
      pageBr += (await exchange(asset, { headers: { 'accept-encoding': BROWSER_ENCODINGS } })).bytes;
    }
    figures.push(...pair(`first load signed out (${urls.size} files)`, pageRaw, pageBr));

    // What the service worker precaches after that first load (sw.js's list, with sw.js itself).
    const sw = (await exchange(`${url}/sw.js`)).body.toString();
    const precached = new Set(['/sw.js', ...[...sw.matchAll(/url:"([^"]+)"/g)].map((m) => `/${m[1]!.replace(/^\//, '')}`)]);
    let swRaw = 0;
    let swBr = 0;
    for (const path of precached) {
      swRaw += (await exchange(`${url}${path}`)).bytes;
      swBr += (await exchange(`${url}${path}`, { headers: { 'accept-encoding': BROWSER_ENCODINGS } })).bytes;
    }
    figures.push(...pair(`service worker precache (${precached.size} files)`, swRaw, swBr));

    // A runner with 10,000 changes on the server, pulled by a new device in pages of the client's size.
    const { code } = await createInvite(server.deps.db, { now: new Date() });
    // No Origin header: a server-side caller, as sameOriginOnly lets through.
    const json = { 'content-type': 'application/json' };
    const registered = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ invite_code: code, name: 'Bench', email: 'bench@example.com', password: 'long enough password' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
    const cookie = registered.headers.get('set-cookie')!.split(';')[0]!;
    const clientId = `c_bench_${randomUUID().slice(0, 8)}`;
    const node = nodeIdFor(clientId);
    let id = 0;
    const push = async (count: number) => {
      for (let sent = 0; sent < count; sent += 100) {
        const mutations = Array.from({ length: Math.min(100, count - sent) }, () => {
          id += 1;
          return {
            id,
            name: 'goal.create',
            v: 1,
            hlc: formatHlc({ wallMs: Date.now(), counter: id % 0xffff, node }),
            args: {
              id: randomUUID(),
              goal: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2027-05-09', target_time_seconds: 3000 },
            },
          };
        });
        await exchange(`${url}/api/sync/push`, {
          method: 'POST',
          headers: { ...json, cookie },
          body: JSON.stringify({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId, mutations }),
        });
      }
    };
    await push(CHANGES);
    const pullBody = (cursor: string | null) =>
      JSON.stringify({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: 'c_bench_reader', cursor, limit: DEFAULT_PULL_LIMIT });
    const pullOnce = (body: string, acceptEncoding: string | null) =>
      exchange(`${url}/api/sync/pull`, {
        method: 'POST',
        headers: { ...json, cookie, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
        body,
      });
    /** Pages from `cursor` to the end; returns the bytes and each page's request. */
    const pullAll = async (cursor: string | null, acceptEncoding: string | null) => {
      let bytes = 0;
      const requests: string[] = [];
      for (;;) {
        const body = pullBody(cursor);
        requests.push(body);
        const wire = await pullOnce(body, acceptEncoding);
        bytes += wire.bytes;
        const answer = JSON.parse(decode(wire)) as { cursor: string; hasMore: boolean };
        cursor = answer.cursor;
        if (!answer.hasMore) return { bytes, cursor, requests };
      }
    };
    const plainFirst = await pullAll(null, null);
    const brFirst = await pullAll(null, BROWSER_ENCODINGS);
    figures.push(...pair(`first pull of ${CHANGES.toLocaleString('en')} changes (pages of ${DEFAULT_PULL_LIMIT})`, plainFirst.bytes, brFirst.bytes));

    const before = plainFirst.cursor;
    await push(INCREMENTAL);
    const plainNext = await pullAll(before, null);
    const brNext = await pullAll(before, BROWSER_ENCODINGS);
    figures.push(...pair(`incremental pull (${INCREMENTAL} changes)`, plainNext.bytes, brNext.bytes));

    // CPU of the whole process (zlib's thread pool included) per first pull, side by side; the
    // same page requests replayed undecoded, so the bench's own reading costs the same each way.
    const cpuOf = async (acceptEncoding: string | null) => {
      const start = process.cpuUsage();
      for (const body of plainFirst.requests) await pullOnce(body, acceptEncoding);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    const plainCpu: number[] = [];
    const brCpu: number[] = [];
    const gzipCpu: number[] = [];
    await cpuOf(null);
    for (let run = 0; run < CPU_RUNS; run++) {
      plainCpu.push(await cpuOf(null));
      brCpu.push(await cpuOf(BROWSER_ENCODINGS));
      gzipCpu.push(await cpuOf('gzip'));
    }
    const plain = median(plainCpu);
    figures.push({ name: `CPU per first pull, uncompressed (median of ${CPU_RUNS})`, value: plain, unit: 'ms' });
    figures.push({ name: 'CPU per first pull, br (quality 4)', value: median(brCpu), unit: 'ms', ratio: median(brCpu) / plain });
    figures.push({ name: 'CPU per first pull, gzip (level 6)', value: median(gzipCpu), unit: 'ms', ratio: median(gzipCpu) / plain });
    return figures;
  } finally {
    await server.close();
  }
}
