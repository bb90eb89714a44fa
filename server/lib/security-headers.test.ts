import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { openTestPglite } from '../test/databases.ts';
import { buildTestApp } from '../test/harness.ts';
import { inlineScriptHashes } from './security-headers.ts';

// Issue 15, L5: pages allowed 'unsafe-inline' scripts; now only the build's own inline
// bootstrap runs, by hash (the browser suite runs the real build under this policy).

const BOOT = 'window.__boot = 1;';
const sha = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runcoach-build-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'index.html'), `<html><head><script type="module" src="/app.js"></script></head><body><script>${BOOT}</script></body></html>`);
  writeFileSync(join(dir, 'nested', 'page.html'), '<script>\n  other();\n</script><script></script>');
  return dir;
}

describe('the page Content-Security-Policy', () => {
  it('lists the hash of each inline script of the built pages, and no unsafe-inline for scripts', async () => {
    const staticDir = fakeBuild();
    expect(inlineScriptHashes(staticDir)).toEqual([sha(BOOT), sha('\n  other();\n')].sort());
    const handle = await openTestPglite();
    try {
      const app = createApp(buildTestApp(handle).deps, { staticDir });
      const page = await app.request('/some/client/route');
      const policy = page.headers.get('content-security-policy')!;
      const scripts = /script-src ([^;]*)/.exec(policy)![1]!;
      expect(scripts.split(' ')).toEqual(["'self'", ...inlineScriptHashes(staticDir).map((h) => `'${h}'`)]);
      expect(scripts).not.toContain('unsafe-inline');
      expect((await app.request('/api/health')).headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    } finally {
      await handle.close();
    }
  });
});
