// The server's shape, checked (issue 20): one folder per concern, infrastructure below features.
// Reads every non-test import under server/, folds it to a folder-level graph (a top-level file
// such as app.ts is its own node) and fails on
//   - a folder loop: two concerns that import each other, however indirectly;
//   - infrastructure importing a feature: lib/ imports only lib/, db/ only lib/, jobs/ only lib/ and db/;
//   - a route module (routes.ts, *-routes.ts) imported by anything but the app that mounts it.
// `npm run check` runs it; `tsx scripts/boundaries.ts --graph` prints the graph as well.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const SERVER = 'server';
const INFRASTRUCTURE: Record<string, string[]> = { 'lib/': ['lib/'], 'db/': ['lib/', 'db/'], 'jobs/': ['lib/', 'db/', 'jobs/'] };
/** Files that mount routes: the app, and nothing else. */
const ROUTE_MOUNTERS = new Set(['app.ts']);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' || name === 'migrations' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$|test-kit\.ts$|testing\.ts$|-contract\.ts$|-child\.ts$/.test(name) ? [path] : [];
  });
}

/** server/strava/api/client.ts → 'strava/'; server/app.ts → 'app.ts'. */
function nodeOf(file: string): string {
  const parts = relative(SERVER, file).split('/');
  return parts.length === 1 ? parts[0]! : `${parts[0]}/`;
}

const isRouteModule = (file: string) => /(^|\/|-)routes\.ts$/.test(file);

export interface ShapeReport {
  edges: Map<string, Set<string>>;
  loops: string[][];
  violations: string[];
}

export function checkShape(): ShapeReport {
  const edges = new Map<string, Set<string>>();
  const violations: string[] = [];
  for (const file of sourceFiles(SERVER)) {
    const from = nodeOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      let target: string;
      if (spec.startsWith('.')) target = normalize(join(dirname(file), spec));
      else if (spec.startsWith('#server/')) target = join(SERVER, spec.slice('#server/'.length));
      else continue;
      if (!target.startsWith(`${SERVER}/`)) continue;
      const to = nodeOf(target);
      const where = `${relative(SERVER, file)} imports ${relative(SERVER, target)}`;
      if (isRouteModule(target) && dirname(target) !== dirname(file) && !ROUTE_MOUNTERS.has(relative(SERVER, file)))
        violations.push(`${where}: only the app mounts a feature's routes; move what is shared out of the route module`);
      if (from === to) continue;
      const allowed = INFRASTRUCTURE[from];
      if (allowed && !allowed.includes(to)) violations.push(`${where}: ${from} is infrastructure and imports no feature (allowed: ${allowed.join(', ')})`);
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return { edges, loops: folderLoops(edges), violations };
}

/** Every strongly connected group of two or more nodes (Tarjan): each is a loop of imports. */
function folderLoops(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) loops.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return loops;
}

/** For each loop, the file imports that make it: what to open to break it. */
function loopImports(loop: string[]): string[] {
  const members = new Set(loop);
  const lines: string[] = [];
  for (const file of sourceFiles(SERVER)) {
    const from = nodeOf(file);
    if (!members.has(from)) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      if (!spec.startsWith('.')) continue;
      const target = normalize(join(dirname(file), spec));
      const to = nodeOf(target);
      if (to !== from && members.has(to)) lines.push(`    ${relative(SERVER, file)} -> ${relative(SERVER, target)}`);
    }
  }
  return lines;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { edges, loops, violations } = checkShape();
  if (process.argv.includes('--graph')) for (const [from, to] of [...edges].sort()) console.log(`${from.padEnd(16)} -> ${[...to].sort().join(', ')}`);
  for (const loop of loops) console.log(`folder loop: ${loop.join(' <-> ')}\n${loopImports(loop).join('\n')}`);
  for (const violation of violations) console.log(`boundary: ${violation}`);
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((to) => [...to])]);
  console.log(
    `server shape: ${nodes.size} folders and top-level files, ${[...edges.values()].reduce((n, to) => n + to.size, 0)} folder imports, ${loops.length} loops, ${violations.length} boundary violations`,
  );
  if (loops.length || violations.length) process.exit(1);
}
