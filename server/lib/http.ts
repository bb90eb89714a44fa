import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Reads a JSON body and validates it with `schema`. Wrong content type → 415, malformed
 * JSON → 400 `invalid_json`, schema problems → 400 `validation_failed` with every issue.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', { message: 'Send the body as JSON with Content-Type: application/json.' });
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new AppError('invalid_json', { message: `The body is not valid JSON${detail}.` });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw AppError.validation(parsed.error);
  return parsed.data;
}

/** Validates query parameters (strings) with `schema`. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw AppError.validation(parsed.error, 'The query parameters are not valid.');
  return parsed.data;
}

/** The caller's IP: the socket's, or X-Forwarded-For's first hop when the operator trusts a proxy. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

/** True when the request came over the loopback interface (and not through a proxy). */
export function isLoopback(c: Context): boolean {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return false;
  }
  if (c.req.header('x-forwarded-for')) return false;
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
