import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';

const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The page policy. Scripts run only from our origin or when they are one of the built pages'
 * own inline scripts, named by hash (SvelteKit's bootstrap): no 'unsafe-inline', so a script
 * injected into a page would not run. Styles keep 'unsafe-inline' (Svelte transitions and
 * SvelteKit set style attributes at run time; a style cannot run code).
 */
export function pagePolicy(inlineScriptHashes: readonly string[]): string {
  const scripts = ["'self'", ...inlineScriptHashes.map((h) => `'${h}'`)].join(' ');
  return `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`;
}

/** `sha256-…` of every inline <script> in the built pages (read once at start: the build does not change under a running server). */
export function inlineScriptHashes(staticDir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(staticDir)) {
    const html = readFileSync(file, 'utf8');
    for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
      if (match[1]!.trim() === '') continue;
      hashes.add(`sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}`);
    }
  }
  return [...hashes].sort();
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Headers every response carries: no sniffing, no framing, no referrer leaks; HSTS on https. */
export function securityHeaders(https: boolean, scriptHashes: readonly string[] = []): MiddlewareHandler {
  const pages = pagePolicy(scriptHashes);
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.header('Content-Security-Policy', c.req.path.startsWith('/api/') ? API_POLICY : pages);
    }
    if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
