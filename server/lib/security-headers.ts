import type { MiddlewareHandler } from 'hono';

/** Headers every response carries: no sniffing, no framing, no referrer leaks; HSTS on https. */
export function securityHeaders(https: boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.header(
        'Content-Security-Policy',
        c.req.path.startsWith('/api/')
          ? "default-src 'none'; frame-ancestors 'none'"
          : "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
      );
    }
    if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
