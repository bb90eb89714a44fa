import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

// On-the-fly compression for JSON answers (a first sync pull is megabytes of JSON). Only JSON:
// the coach chat's text/event-stream must reach the phone delta by delta, and a compressor
// would hold its chunks back; anything already encoded is left as it is.

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this a compressed answer saves less than a TCP round trip costs. */
export const COMPRESS_MIN_BYTES = 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

export type Encoding = 'br' | 'gzip';

/**
 * The first of `offered` an Accept-Encoding header accepts (br before gzip by default), or
 * null for the plain body. Honours q=0 ("not this one") and `*`.
 */
export function chooseEncoding(acceptEncoding: string | undefined, offered: readonly Encoding[] = ['br', 'gzip']): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  return offered.find((encoding) => weight(encoding) > 0) ?? null;
}

/** Compresses bytes the way an API answer is compressed: brotli at a speed-first quality, gzip at its default. */
export function compressBytes(bytes: Uint8Array, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br'
    ? brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 4,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      })
    : gzipAsync(bytes);
}

/** Compresses JSON answers of at least COMPRESS_MIN_BYTES for callers that accept br or gzip (on the thread pool, off the event loop). */
export function compressJson(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type');
    if (!res.body || !type || !JSON_TYPE.test(type) || c.req.method === 'HEAD') return;
    if (res.status === 204 || res.status === 206 || res.headers.has('Content-Encoding')) return;
    if (NO_TRANSFORM.test(res.headers.get('Cache-Control') ?? '')) return;
    // Whatever this answer's size, the same URL may be compressed next time: caches must key on it.
    const vary = res.headers.get('Vary');
    if (!vary) res.headers.set('Vary', 'Accept-Encoding');
    else if (vary !== '*' && !/accept-encoding/i.test(vary)) res.headers.set('Vary', `${vary}, Accept-Encoding`);
    const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
    if (!encoding) return;
    const bytes = new Uint8Array(await res.arrayBuffer());
    let body: Uint8Array = bytes;
    if (bytes.byteLength >= COMPRESS_MIN_BYTES) {
      body = await compressBytes(bytes, encoding);
      res.headers.set('Content-Encoding', encoding);
      const etag = res.headers.get('ETag');
      if (etag && !etag.startsWith('W/')) res.headers.set('ETag', `W/${etag}`);
    }
    res.headers.set('Content-Length', String(body.byteLength));
    // Hono copies the old answer's headers onto the new one: they were updated above.
    c.res = new Response(body as Uint8Array<ArrayBuffer>, res);
  };
}
