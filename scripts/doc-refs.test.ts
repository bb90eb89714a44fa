import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRepository, checkText, headingsOf, resolveKey } from './doc-refs.ts';

const SYNC = [
  '# Sync',
  '## G3 Convergence',
  '## Push: `POST /api/sync/push`',
  '```',
  '# not a heading in a fence',
  '```',
  '### T1 Two devices',
  '### T10 A cursor',
].join('\n');
const docs = new Map([['SYNC.md', headingsOf(SYNC)]]);

describe('doc references', () => {
  it('reads headings as plain text, outside code fences', () => {
    expect(headingsOf(SYNC)).toEqual(['Sync', 'G3 Convergence', 'Push: POST /api/sync/push', 'T1 Two devices', 'T10 A cursor']);
  });

  it('resolves a bare key by the heading it names or begins', () => {
    expect(resolveKey('G3', docs.get('SYNC.md')!)).toBeNull();
    expect(resolveKey('Push', docs.get('SYNC.md')!)).toBeNull();
    // T1 must not match "T10 A cursor" by prefix: the key ends at a space or a colon.
    expect(resolveKey('T1', ['T10 A cursor'])).toBe('no heading §T1');
    expect(resolveKey('G3', ['G3 one', 'G3 two'])).toMatch(/ambiguous/);
  });

  it('names a missing heading, with file and line', () => {
    const text = '// fine: docs/SYNC.md §G3\n// broken: docs/SYNC.md §G9 and the rest\n';
    expect(checkText('server/x.ts', text, docs)).toEqual([{ file: 'server/x.ts', line: 2, message: 'docs/SYNC.md no heading §G9' }]);
  });

  it('checks every key of a chain, quoted ones by their whole text', () => {
    const text = 'docs/SYNC.md §T1, §T10, §"Push: POST /api/sync/push" and §"Push"';
    expect(checkText('a.ts', text, docs).map((p) => p.message)).toEqual(['docs/SYNC.md no heading "Push"']);
  });

  it('refuses a missing docs file and the old forms of citation', () => {
    const text = 'docs/NOPE.md §A\nsee SYNC.md §Push\nin ../shared/design/\nissue 18 §12 is not ours\n';
    expect(checkText('a.ts', text, docs).map((p) => [p.line, p.message])).toEqual([
      [1, 'docs/NOPE.md does not exist'],
      [2, '"SYNC.md" points outside docs/: cite docs/<NAME>.md §<heading>'],
      [3, '"shared/design" points outside docs/: cite docs/<NAME>.md §<heading>'],
    ]);
  });

  it('lets docs/ link its files relatively, and still checks their § references', () => {
    expect(checkText('docs/ARCHITECTURE.md', '[SYNC.md](SYNC.md), see docs/SYNC.md §G3 and §G7', docs).map((p) => p.message)).toEqual([
      'docs/SYNC.md no heading §G7',
    ]);
  });

  const root = mkdtempSync(join(tmpdir(), 'doc-refs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('fails a repository whose code cites a heading its docs no longer have', () => {
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'server'));
    writeFileSync(join(root, 'docs', 'SYNC.md'), SYNC);
    writeFileSync(join(root, 'server', 'push.ts'), '// docs/SYNC.md §Push\nexport {};\n');
    expect(checkRepository(root).problems).toEqual([]);
    writeFileSync(join(root, 'docs', 'SYNC.md'), SYNC.replace('## Push:', '## Pushing:'));
    expect(checkRepository(root).problems).toEqual([{ file: join('server', 'push.ts'), line: 1, message: 'docs/SYNC.md no heading §Push' }]);
  });
});
