import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AuditFiltersSchema, auditQuery, listAudit, publicAuditEvent } from '../audit/audit.ts';
import { fail, operatorRoute } from '../db/open-for-cli.ts';

// `npm run audit:log [-- --since 2026-11-01 --kind sign_in_failed --user UUID --limit 100]`: the
// operators' audit log, newest first, one line per event.

const USAGE = 'Usage: npm run audit:log [-- --since YYYY-MM-DD|ISO-TIME --kind KIND --user USER_ID --limit N]';

function parse() {
  try {
    return parseArgs({ options: { since: { type: 'string' }, kind: { type: 'string' }, user: { type: 'string' }, limit: { type: 'string' } } }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
}
const flags = Object.fromEntries(Object.entries(parse()).filter(([, value]) => value !== undefined)) as Record<string, string>;
const checked = AuditFiltersSchema.safeParse(flags);
if (!checked.success) fail(`${z.prettifyError(checked.error)}\n${USAGE}`);

type Event = ReturnType<typeof publicAuditEvent>;
const route = await operatorRoute();
let events: Event[];
if (route.kind === 'server') {
  events = ((await route.get(`/audit?${new URLSearchParams(flags).toString()}`)) as { events: Event[] }).events;
} else {
  try {
    events = (await listAudit(route.db, auditQuery(checked.data))).map(publicAuditEvent);
  } finally {
    await route.done();
  }
}

if (events.length === 0) console.log('No audit events match.');
for (const event of events) console.log(auditLine(event));

/** `time kind user=… email=… ip=… key=value … ua="…"`, leaving out what the event lacks. */
function auditLine(event: Event): string {
  const parts = [event.at, event.kind];
  if (event.user_id) parts.push(`user=${event.user_id}`);
  if (event.email) parts.push(`email=${event.email}`);
  if (event.ip) parts.push(`ip=${event.ip}`);
  for (const [key, value] of Object.entries(event.detail)) parts.push(`${key}=${String(value)}`);
  if (event.user_agent) parts.push(`ua=${JSON.stringify(event.user_agent)}`);
  return parts.join(' ');
}
