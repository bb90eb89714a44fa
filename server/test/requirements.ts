// Suites that need something outside Node (a Postgres server, Chromium) print one clear
// `skipped:` line when it is missing, and fail instead when CI=true.

const inCi = process.env.CI === 'true';

function missing(suite: string, reason: string): null {
  if (inCi) throw new Error(`${suite} suite is required under CI=true, but ${reason}.`);
  console.log(`skipped: ${suite} suite (${reason})`);
  return null;
}

/** TEST_DATABASE_URL, or null (after printing why) when the Postgres suite cannot run. */
export function postgresUrl(suite = 'postgres'): string | null {
  return process.env.TEST_DATABASE_URL || missing(suite, 'TEST_DATABASE_URL is not set');
}

/** The Chromium executable, or null (after printing why) when the browser suite cannot run. */
export async function chromiumPath(suite = 'browser'): Promise<string | null> {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const { existsSync } = await import('node:fs');
  return existsSync(path) ? path : missing(suite, `no Chromium at ${path}; install it with apt-get install -y chromium or set CHROMIUM_PATH`);
}
