import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origins a browser may send changes from: PUBLIC_URL's, and when that is a loopback
 * address its other loopback spellings on the same port (a household server opened as
 * 127.0.0.1 instead of localhost). Never the Host header: anyone can write that.
 */
export function allowedOrigins(publicUrl: string): Set<string> {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK_NAMES.includes(url.hostname)) {
    for (const name of LOOPBACK_NAMES) origins.add(`${url.protocol}//${name}${url.port ? `:${url.port}` : ''}`);
  }
  return origins;
}

/**
 * Refuses state-changing requests a browser sent from another site (CSRF): the Origin header
 * must be one of `allowedOrigins`. Requests with no Origin (servers, CLIs, Strava's webhook)
 * pass unless Sec-Fetch-Site says cross-site.
 */
export function sameOriginOnly(publicUrl: string): MiddlewareHandler {
  const allowed = allowedOrigins(publicUrl);
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      const ok = origin !== undefined ? allowed.has(origin) : fetchSite !== 'cross-site';
      if (!ok) {
        throw new AppError('cross_origin_refused', { message: 'This request came from another site and was refused.' });
      }
    }
    await next();
  };
}
