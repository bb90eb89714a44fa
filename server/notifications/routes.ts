import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { KIND_LABELS, NotificationsQuerySchema, PreferencesUpdateSchema, type NotificationKind } from '#shared/schema/notifications.ts';
import { serverStamp } from '../lib/write-stamp.ts';
import { getProfile } from '../profile/profile.ts';
import { requireUser, type AppDeps, type AppEnv } from '../context.ts';
import { readJson, readQuery } from '../lib/http.ts';
import { channelName } from './channel.ts';
import { getNotification, listNotifications, publicNotification } from './log.ts';
import { getPreferences, publicPreferences, updatePreferences } from './preferences.ts';
import { readUnsubscribeToken, setKind } from './unsubscribe.ts';
import { routeId } from '../lib/route-id.ts';

// E-mail settings and log for the signed-in runner, and the unsubscribe link every e-mail
// carries (no session: the signed token is the authority). GET and POST both unsubscribe: the
// link in the body is one click (GET), and RFC 8058 mail clients POST
// `List-Unsubscribe=One-Click` to the List-Unsubscribe URL. The page offers to undo it.

/** Settings, log and unsubscribe under /api/notifications. */
export function notificationRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const channel = channelName(deps.config);

  app.get('/preferences', async (c) => {
    const user = requireUser(c);
    return c.json({ preferences: publicPreferences(user.id, await getPreferences(deps.db, user.id), channel) });
  });

  app.put('/preferences', async (c) => {
    const user = requireUser(c);
    const update = await readJson(c, PreferencesUpdateSchema);
    const stamp = serverStamp(deps.now(), (await getProfile(deps.db, user.id)).time_zone);
    return c.json({ preferences: publicPreferences(user.id, await updatePreferences(deps.db, user.id, update, stamp), channel) });
  });

  app.get('/', async (c) => {
    const user = requireUser(c);
    const query = readQuery(c, NotificationsQuerySchema);
    const rows = await listNotifications(deps.db, user.id, query);
    return c.json({ notifications: rows.map(publicNotification), email_channel: channel });
  });

  const unsubscribe = (on: boolean) => async (c: Context<AppEnv>) => {
    const token = z.string().max(300).safeParse(c.req.query('token'));
    const target = token.success ? readUnsubscribeToken(deps.config.sessionSecret, token.data) : null;
    if (!target || !(await setKind(deps.db, target.userId, target.kind, on, deps.now()))) {
      return page(c, 404, 'This link is not valid', 'It may have been copied incompletely. You can change every e-mail setting in RunCoach → Settings.');
    }
    deps.log.info(on ? 'notifications resubscribed' : 'notifications unsubscribed', { user_id: target.userId, kind: target.kind });
    return on ? resubscribedPage(c, target.kind) : unsubscribedPage(c, target.kind, token.data!);
  };
  app.get('/unsubscribe', unsubscribe(false));
  app.post('/unsubscribe', unsubscribe(false));
  app.post('/resubscribe', unsubscribe(true));

  app.get('/:id', async (c) => {
    const user = requireUser(c);
    const id = routeId(c.req.param('id'), 'The notification');
    return c.json({ notification: publicNotification(await getNotification(deps.db, user.id, id)) });
  });

  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

// A page of its own, outside the PWA: it must work in any mail client's browser, signed in or not.
function page(c: Context, status: 200 | 404, title: string, text: string, form = ''): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · RunCoach</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#0f172a"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${form}</body></html>`;
  // The token is in this page's URL: no referrer leaves it, and no cache keeps the page.
  return c.html(html, status, {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
}

function unsubscribedPage(c: Context, kind: NotificationKind, token: string): Response {
  const form = `<form method="post" action="/api/notifications/resubscribe?token=${encodeURIComponent(token)}"><button type="submit">Turn them back on</button></form>`;
  return page(
    c,
    200,
    'You are unsubscribed',
    `You will not get “${KIND_LABELS[kind]}” any more. Other e-mails are not affected; you can change them in RunCoach → Settings.`,
    form,
  );
}

function resubscribedPage(c: Context, kind: NotificationKind): Response {
  return page(c, 200, 'You are subscribed again', `“${KIND_LABELS[kind]}” are back on.`);
}
