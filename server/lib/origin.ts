import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests a browser sent from another site (CSRF): the Origin header
 * must be the app's public origin or the origin the request was addressed to. Requests with
 * no Origin (servers, CLIs, Strava's webhook) pass unless Sec-Fetch-Site says cross-site.
 */
export function sameOriginOnly(publicUrl: string): MiddlewareHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const requestOrigin = new URL(c.req.url).origin;
      const fetchSite = c.req.header('sec-fetch-site');
      const allowed =
        origin !== undefined ? origin === publicOrigin || origin === requestOrigin : fetchSite !== 'cross-site';
      if (!allowed) {
        throw new AppError(403, 'cross_origin_refused', 'This request came from another site and was refused.');
      }
    }
    await next();
  };
}
