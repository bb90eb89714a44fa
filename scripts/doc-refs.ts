// The code cites its design in docs/ (issue 25), and a citation is only worth something while
// the section it names exists. This check reads every source, test, script and doc of the
// repository and fails on a reference that names no heading, and on a citation in the old form
// (a bare `SYNC.md` outside docs/, or the `shared/design` folder outside the repository).
//
// Reference syntax, exactly:
//   docs/<NAME>.md §<key>[, §<key>…][ and §<key>]    e.g. docs/SYNC.md §G3, §T7 and §Push
//   docs/<NAME>.md §"<heading text>"                  e.g. docs/STRAVA.md §"Policy: Strava data and AI"
// A quoted key matches a heading whose text (markdown `*` and backticks removed) is exactly it.
// A bare key ([A-Za-z0-9][A-Za-z0-9_-]*) matches the heading whose text is the key, else the one
// heading that begins with the key followed by a space or a colon (`§G3` → "G3 Convergence",
// `§Push` → "Push: POST /api/sync/push"); two such headings make the reference ambiguous, an error.
// `docs/<NAME>.md` without a § only has to name a file that exists.
// `npm run check` runs it; `tsx scripts/doc-refs.ts` prints what it found.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where citations live; docs/ is scanned too, its files cite each other in the same form. */
const ROOTS = ['server', 'shared', 'client', 'tests', 'bench', 'ops', 'scripts', 'docs'];
const ROOT_FILES = ['README.md', 'eslint.config.js', 'vite.config.ts', 'package.json'];
/** drizzle's migration snapshots (meta/) are generated JSON. */
const SKIP_DIRS = new Set(['node_modules', 'meta', '.svelte-kit', 'build']);
/** This checker and its test spell out broken and old-form references on purpose. */
const SELF = new Set(['scripts/doc-refs.ts', 'scripts/doc-refs.test.ts']);
const TEXT = /\.(ts|js|svelte|sql|md|json|cfg|html)$/;

const KEY = String.raw`(?:"[^"\n]+"|[A-Za-z0-9][A-Za-z0-9_-]*)`;
/** A docs file followed by zero or more §keys chained by commas and "and". */
const REFERENCE = new RegExp(String.raw`docs/([A-Za-z0-9_-]+\.md)((?:\s*(?:,|and)?\s*§${KEY})*)`, 'g');
const SECTION = new RegExp(`§(${KEY})`, 'g');
/** A design file named without docs/ in front, or the design folder outside the repository. */
const OLD_FORM = /(?<![\w/.-])(?:ARCHITECTURE|SYNC|TRAINING|FIT|STRAVA|STYLE|DATA|OPERATIONS)\.md|shared\/design/g;

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** The headings of a markdown text, as plain text (no `#`, no emphasis or backticks). */
export function headingsOf(markdown: string): string[] {
  const headings: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (match) headings.push(plain(match[1]!));
  }
  return headings;
}

const plain = (text: string) => text.replace(/[`*]/g, '').trim();

/** Why `key` names no single heading of `headings`, or null when it names one. */
export function resolveKey(key: string, headings: string[]): string | null {
  if (key.startsWith('"')) {
    const wanted = plain(key.slice(1, -1));
    return headings.includes(wanted) ? null : `no heading "${wanted}"`;
  }
  if (headings.includes(key)) return null;
  const prefixed = headings.filter((heading) => heading.startsWith(`${key} `) || heading.startsWith(`${key}:`));
  if (prefixed.length === 1) return null;
  if (prefixed.length > 1) return `§${key} is ambiguous: ${prefixed.map((h) => `"${h}"`).join(', ')}`;
  return `no heading §${key}`;
}

/**
 * Every broken reference in one file's text. `docs` maps a docs file name (SYNC.md) to its
 * headings; a name missing from it is a file that does not exist.
 */
export function checkText(file: string, text: string, docs: Map<string, string[]>): Problem[] {
  const problems: Problem[] = [];
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    const at = { file, line: index + 1 };
    for (const match of content.matchAll(REFERENCE)) {
      const name = match[1]!;
      const headings = docs.get(name);
      if (!headings) {
        problems.push({ ...at, message: `docs/${name} does not exist` });
        continue;
      }
      for (const section of match[2]!.matchAll(SECTION)) {
        const why = resolveKey(section[1]!, headings);
        if (why) problems.push({ ...at, message: `docs/${name} ${why}` });
      }
    }
    // Inside docs/ a bare `SYNC.md` is a relative markdown link, which is right there.
    if (!file.startsWith('docs/'))
      for (const match of content.matchAll(OLD_FORM)) problems.push({ ...at, message: `"${match[0]}" points outside docs/: cite docs/<NAME>.md §<heading>` });
  });
  return problems;
}

function textFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (SKIP_DIRS.has(name)) return [];
    if (statSync(path).isDirectory()) return textFiles(path);
    return TEXT.test(name) ? [path] : [];
  });
}

/** Checks the repository from `root` (the working directory by default). */
export function checkRepository(root = '.'): { files: number; references: number; problems: Problem[] } {
  const docs = new Map<string, string[]>();
  const docsDir = join(root, 'docs');
  if (existsSync(docsDir))
    for (const name of readdirSync(docsDir)) if (name.endsWith('.md')) docs.set(name, headingsOf(readFileSync(join(docsDir, name), 'utf8')));
  const files = [...ROOTS.flatMap((dir) => textFiles(join(root, dir))), ...ROOT_FILES.map((name) => join(root, name)).filter((path) => existsSync(path))];
  let references = 0;
  const problems: Problem[] = [];
  for (const path of files) {
    if (SELF.has(relative(root, path))) continue;
    const text = readFileSync(path, 'utf8');
    references += [...text.matchAll(REFERENCE)].length;
    problems.push(...checkText(relative(root, path), text, docs));
  }
  return { files: files.length, references, problems };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { files, references, problems } = checkRepository();
  for (const problem of problems) console.log(`${problem.file}:${problem.line}: ${problem.message}`);
  console.log(`doc references: ${references} in ${files} files, ${problems.length} broken`);
  if (problems.length) process.exit(1);
}
