import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a freshly migrated PGlite database, for openTestPglite(). */
    pgliteTemplate: string;
  }
}

/** Migrates one in-memory PGlite per run and dumps it, so each test file loads it instead of migrating. */
export default async function setup(project: TestProject): Promise<void> {
  const handle = await openDatabase({ dataDir: null });
  if (handle.raw.kind !== 'pglite') throw new Error('expected PGlite');
  const dump = await handle.raw.client.dumpDataDir('none');
  await handle.close();
  const path = join(tmpdir(), `runcoach-pglite-template-${process.pid}.tar`);
  writeFileSync(path, new Uint8Array(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', path);
}
