import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompressDir } from '../../scripts/precompress.ts';
import { formatHlc, nodeIdFor } from '../../shared/sync/hlc.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { createApp } from '../app.ts';
import { parseSse, runnerWithPlan, streamedText, useCoachTest } from '../coach/testing.ts';
import { signUp } from '../test/harness.ts';
import { chooseEncoding } from './compress.ts';

// Compressed transfers (issue 21): the build's precompressed twins by Accept-Encoding, JSON
// answers compressed on the fly, the coach's server-sent events never.

const c = useCoachTest();

/** A built-PWA stand-in: the same precompress step `npm start` runs, on a small tree. */
function builtApp() {
  const dir = mkdtempSync(join(tmpdir(), 'runcoach-static-'));
  mkdirSync(join(dir, '_app/immutable/chunks'), { recursive: true });
  const js = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i % 37}`))};\n`;
  writeFileSync(join(dir, '_app/immutable/chunks/app.js'), js);
  writeFileSync(join(dir, '_app/immutable/chunks/tiny.js'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><title>RunCoach</title></head><body>${'<p>RunCoach</p>'.repeat(200)}</body></html>`);
  precompressDir(dir);
  return { app: createApp(c.t.deps, { staticDir: dir }), js };
}

/** 100 goals pushed as one batch (the most one push takes). */
async function pushGoals(cookie: string): Promise<void> {
  const clientId = `c_gzip_${randomUUID().slice(0, 8)}`;
  const node = nodeIdFor(clientId);
  const mutations = Array.from({ length: 100 }, (_, i) => ({
    id: i + 1,
    name: 'goal.create',
    v: 1,
    hlc: formatHlc({ wallMs: c.t.clock.now().getTime(), counter: i + 1, node }),
    args: { id: randomUUID(), goal: { goal_type: 'race', target_race_distance_meters: 10_000, target_race_date: '2027-05-09', target_time_seconds: 3000 } },
  }));
  const res = await c.t.app.request('/api/sync/push', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId, mutations }),
  });
  expect(res.status).toBe(200);
}

const pull = (cookie: string, acceptEncoding?: string) =>
  c.t.app.request('/api/sync/pull', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    body: JSON.stringify({ protocol: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, clientId: 'c_gzip_reader', cursor: null, limit: 1000 }),
  });

describe('built assets', () => {
  it('sends the brotli twin with Vary to a browser that accepts br, the plain file to one that does not', async () => {
    const { app, js } = builtApp();
    const br = await app.request('/_app/immutable/chunks/app.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(br.headers.get('cache-control')).toContain('immutable');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.byteLength).toBeLessThan(js.length / 3);
    expect(brotliDecompressSync(brBytes).toString()).toBe(js);

    const gz = await app.request('/_app/immutable/chunks/app.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(js);

    const plain = await app.request('/_app/immutable/chunks/app.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await plain.text()).toBe(js);
  });

  it('leaves files under 1 KB plain, and negotiates the index page and the SPA fallback alike', async () => {
    const { app } = builtApp();
    const tiny = await app.request('/_app/immutable/chunks/tiny.js', { headers: { 'accept-encoding': 'br' } });
    expect(tiny.headers.get('content-encoding')).toBeNull();
    for (const path of ['/', '/today']) {
      const page = await app.request(path, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(page.headers.get('content-encoding'), path).toBe('br');
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('vary'), path).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(Buffer.from(await page.arrayBuffer())).toString()).toContain('<title>RunCoach</title>');
    }
    const plain = await app.request('/today');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toContain('<title>RunCoach</title>');
  });
});

describe('JSON answers', () => {
  it('compresses a large sync pull in br or gzip, decoding to the same JSON as the plain answer', async () => {
    const { cookie } = await signUp(c.t);
    await pushGoals(cookie);
    const plain = await pull(cookie);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    const plainText = await plain.text();
    expect(plainText.length).toBeGreaterThan(10_000);
    const expected = JSON.parse(plainText);
    expect(expected.changes.length).toBeGreaterThanOrEqual(100);

    const br = await pull(cookie, 'gzip, deflate, br, zstd');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/^application\/json/);
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.byteLength);
    expect(brBytes.byteLength).toBeLessThan(plainText.length / 4);
    expect(JSON.parse(brotliDecompressSync(brBytes).toString())).toEqual(expected);

    const gz = await pull(cookie, 'gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString())).toEqual(expected);
  });

  it('leaves answers under 1 KB plain', async () => {
    const { cookie } = await signUp(c.t);
    const res = await c.t.app.request('/api/health', { headers: { cookie, 'accept-encoding': 'br' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect((await res.text()).length).toBeLessThan(1024);
  });

  it('never compresses the coach chat stream (text/event-stream), however long the reply', async () => {
    const { cookie } = await runnerWithPlan(c.t);
    const reply = 'Keep the easy runs easy and the long run conversational. '.repeat(40);
    c.standin.script({ type: 'text', text: reply });
    const res = await c.t.app.request('/api/coach/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ message: 'How should my week feel?' }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-encoding')).toBeNull();
    const text = await res.text();
    expect(text.length).toBeGreaterThan(2048);
    // The events are plain text on the wire, readable as they come.
    expect(streamedText(parseSse(text))).toBe(reply);
  });

  it('chooses by Accept-Encoding: br first, q=0 refuses, * accepts', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('br, gzip', ['gzip'])).toBe('gzip');
  });
});
