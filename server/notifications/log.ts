import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Notification, NotificationKind, NotificationStatus } from '#shared/schema/notifications.ts';
import type { Executor } from '../db/database.ts';
import { notifications } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';

// The runner's notification log (GET /api/notifications): what was sent, failed, skipped or is
// still waiting, always filtered by the runner's own id.

type Row = typeof notifications.$inferSelect;

/** A log entry as the API shows it (no payload, no provider internals). */
export function publicNotification(row: Row): Notification {
  return {
    id: row.id,
    notification_type: row.notification_type as NotificationKind,
    status: row.status,
    channel: row.channel,
    subject: row.subject,
    content: row.content,
    scheduled_for: row.scheduled_for.toISOString(),
    sent_at: row.sent_at?.toISOString() ?? null,
    error: row.error,
    attempts: row.attempts,
    created_at: row.created_at.toISOString(),
  };
}

/** The runner's notifications, newest first. */
export async function listNotifications(
  db: Executor,
  userId: string,
  query: { status?: NotificationStatus | undefined; notification_type?: NotificationKind | undefined; limit: number },
): Promise<Row[]> {
  const filters: SQL[] = [eq(notifications.user_id, userId)];
  if (query.status) filters.push(eq(notifications.status, query.status));
  if (query.notification_type) filters.push(eq(notifications.notification_type, query.notification_type));
  return db
    .select()
    .from(notifications)
    .where(and(...filters))
    .orderBy(desc(notifications.created_at), desc(notifications.id))
    .limit(query.limit);
}

/** One of the runner's notifications; another runner's is a 404, as if it did not exist. */
export async function getNotification(db: Executor, userId: string, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.user_id, userId)));
  if (!row) throw AppError.notFound('The notification');
  return row;
}
