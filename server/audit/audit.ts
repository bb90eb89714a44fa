import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import { auditEvents, users } from '../db/schema.ts';
import type { Logger } from '../lib/log.ts';
import { clientAddress } from '../lib/http.ts';

// The operators' audit log (README §Operator commands): who signed in or failed to, who
// connected Strava, exported their data or deleted their account, from which address.
// Never a password, token or cookie: only ids, an e-mail on failed sign-ins, and small details.

export const AUDIT_KINDS = [
  'sign_up',
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'strava_connected',
  'strava_disconnected',
  'data_exported',
  'account_deleted',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** How long events are kept: a year and a bit, so last year's same month can be compared. */
export const AUDIT_RETENTION_DAYS = 400;
const MAX_USER_AGENT = 200;
const MAX_EMAIL = 254;
const MAX_IP = 64;

/** Where a request came from, as the audit log keeps it. */
export interface AuditSource {
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEvent extends AuditSource {
  at: Date;
  kind: AuditKind;
  user_id?: string | null;
  email?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

export type AuditRow = typeof auditEvents.$inferSelect;

/** The caller's address (honouring TRUST_PROXY as sign-in throttling does) and User-Agent. */
export function auditSource(c: Context, trustProxy: boolean): AuditSource {
  return { ip: clientAddress(c, trustProxy).slice(0, MAX_IP), user_agent: c.req.header('user-agent')?.slice(0, MAX_USER_AGENT) ?? null };
}

/** Inserts one event; throws when it cannot (inside a transaction, the action fails with it). */
export async function recordAudit(db: Executor, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values({
    at: event.at,
    kind: event.kind,
    user_id: event.user_id ?? null,
    email: event.email?.slice(0, MAX_EMAIL) ?? null,
    ip: event.ip?.slice(0, MAX_IP) ?? null,
    user_agent: event.user_agent?.slice(0, MAX_USER_AGENT) ?? null,
    detail: event.detail ?? {},
  });
}

/**
 * Records an action that has already happened. A failed insert must not turn a done action
 * into an error for the runner, nor vanish: it is logged (kind and user only) for the operator.
 */
export async function recordAuditAfter(deps: { db: Executor; log: Logger }, event: AuditEvent): Promise<void> {
  try {
    await recordAudit(deps.db, event);
  } catch (error) {
    deps.log.error('audit event not recorded', { kind: event.kind, user_id: event.user_id ?? null, error: error instanceof Error ? error.message : 'unknown' });
  }
}

/**
 * A failed sign-in, with the e-mail as typed (already lower-cased by the schema): the spread of
 * e-mails tried from one address is what shows credential stuffing. The account, when the
 * e-mail has one, is named too, so "failures on my account" is one query.
 */
export async function recordFailedSignIn(
  deps: { db: Executor; log: Logger },
  event: AuditSource & { at: Date; email: string; reason: 'throttled' | 'invalid_credentials' },
): Promise<void> {
  try {
    const [account] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, event.email));
    await recordAudit(deps.db, {
      at: event.at,
      kind: 'sign_in_failed',
      user_id: account?.id ?? null,
      email: event.email,
      ip: event.ip,
      user_agent: event.user_agent,
      detail: { reason: event.reason },
    });
  } catch (error) {
    deps.log.error('audit event not recorded', { kind: 'sign_in_failed', error: error instanceof Error ? error.message : 'unknown' });
  }
}

export interface AuditQuery {
  since?: Date | undefined;
  kind?: AuditKind | undefined;
  userId?: string | undefined;
  limit?: number | undefined;
}

/** The filters as operators type them (query string, CLI flags): strings in, checked. */
export const AuditFiltersSchema = z
  .object({
    // A day (2026-11-01, midnight UTC) or an instant with its offset.
    since: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { message: 'must be a date (YYYY-MM-DD) or an ISO date-time with offset' }).optional(),
    kind: z.enum(AUDIT_KINDS).optional(),
    user: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

/** Checked filters → the query listAudit takes. */
export function auditQuery(filters: z.output<typeof AuditFiltersSchema>): AuditQuery {
  return { since: filters.since ? new Date(filters.since) : undefined, kind: filters.kind, userId: filters.user, limit: filters.limit };
}

/** Events matching the filters, newest first (at most `limit`, default 100). */
export async function listAudit(db: Executor, query: AuditQuery = {}): Promise<AuditRow[]> {
  const filters: SQL[] = [];
  if (query.since) filters.push(gte(auditEvents.at, query.since));
  if (query.kind) filters.push(eq(auditEvents.kind, query.kind));
  if (query.userId) filters.push(eq(auditEvents.user_id, query.userId));
  return db
    .select()
    .from(auditEvents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(query.limit ?? 100);
}

/** The event as the admin endpoint and the CLI show it. */
export function publicAuditEvent(row: AuditRow) {
  return { ...row, at: row.at.toISOString() };
}

/** Deletes events older than the retention period; returns how many. */
export async function pruneAudit(db: Executor, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - AUDIT_RETENTION_DAYS * 24 * 3600 * 1000);
  const deleted = await db.delete(auditEvents).where(lt(auditEvents.at, cutoff)).returning({ id: auditEvents.id });
  return deleted.length;
}
