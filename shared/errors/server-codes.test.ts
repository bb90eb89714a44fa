import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_ERRORS } from './codes.ts';
import { isErrorCode } from './registry.ts';

// Every code the server's source throws or sends must be in the registry, with the registry's
// status where the source names one. tsc catches most of this through AppError's types; this
// reads the text, so it also covers files compiled loosely, `super(...)` in subclasses, sync's
// rejection objects and the codes stored for the Strava card.

const SERVER = new URL('../../server/', import.meta.url);

/** One code the source names: where, the code, and the status written beside it (if a number). */
interface Site {
  at: string;
  code: string;
  status: number | null;
}

const PATTERNS: RegExp[] = [
  // new AppError('code', …) and new AppError(409, 'code', …), across lines too
  /new AppError\(\s*(?:(?<status>[^,'"`()]+?)\s*,\s*)?['"](?<code>[^'"]*)['"]/g,
  // an AppError subclass: super(409, 'code', …)
  /super\(\s*(?<status>\d{3})\s*,\s*['"](?<code>[^'"]*)['"]/g,
  // a refused sync change, a chat stream event: { code: 'code', … }
  /(?:error:\s*\{|Rejection\(\s*\{|send\(\s*'error'\s*,\s*\{)\s*code:\s*['"](?<code>[^'"]*)['"]/g,
  // the code the Strava card shows as the last problem
  /recordConnectionError\([^)]*?['"](?<code>[^'"]*)['"]/g,
];

/** The coded sites in one file's text. */
export function codeSites(text: string, file: string): Site[] {
  const sites: Site[] = [];
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const status = match.groups?.status?.trim();
      const line = text.slice(0, match.index).split('\n').length;
      sites.push({ at: `${file}:${line}`, code: match.groups!.code!, status: status && /^\d{3}$/.test(status) ? Number(status) : null });
    }
  }
  return sites;
}

function serverSources(): string[] {
  return (readdirSync(SERVER, { recursive: true }) as string[]).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.split(/[\\/]/).includes('test'),
  );
}

const sites = serverSources().flatMap((file) => codeSites(readFileSync(new URL(file, SERVER), 'utf8'), `server/${file}`));

describe('the server’s error codes', () => {
  it('finds the coded sites (the scan itself works)', () => {
    expect(sites.length).toBeGreaterThan(50);
    expect(sites.map((site) => site.code)).toEqual(
      expect.arrayContaining(['validation_failed', 'client_id_taken', 'result_expired', 'strava_reconnect_needed', 'coach_interrupted']),
    );
  });

  it('names only registered codes', () => {
    expect(sites.filter((site) => !isErrorCode(site.code)).map((site) => `${site.at} ${site.code}`)).toEqual([]);
  });

  it('gives each code the registry’s status where it writes one', () => {
    const wrong = sites.filter((site) => site.status !== null && isErrorCode(site.code) && SERVER_ERRORS[site.code].status !== site.status);
    expect(wrong.map((site) => `${site.at} ${site.code} ${site.status} (registry: ${isErrorCode(site.code) ? SERVER_ERRORS[site.code].status : '?'})`)).toEqual(
      [],
    );
  });

  it('would catch an unregistered code or a wrong status', () => {
    const text =
      "throw new AppError(\n  400,\n  'no_such_code',\n  'x');\nthrow new AppError(404, 'id_taken');\nsuper(409, 'typo_code');\nerrors.push(boundedRejection({ code: 'made_up', message }));";
    const found = codeSites(text, 'sample.ts');
    expect(found.filter((site) => !isErrorCode(site.code)).map((site) => site.code)).toEqual(['no_such_code', 'typo_code', 'made_up']);
    expect(found.find((site) => site.code === 'id_taken')).toMatchObject({ status: 404, at: 'sample.ts:5' });
  });
});
