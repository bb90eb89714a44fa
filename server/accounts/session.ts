import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { resumeSession, SESSION_DAYS } from './users.ts';
import type { AppDeps, AppEnv } from '../context.ts';

export const SESSION_COOKIE = 'rc_session';

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https. */
export function setSessionCookie(c: Context, deps: AppDeps, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.config.secureCookies,
    path: '/',
    maxAge: SESSION_DAYS * 24 * 3600,
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context, deps: AppDeps): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.config.secureCookies, httpOnly: true, sameSite: 'Lax' });
}

/** Loads the session, if any, into `c.var.user`; renews the cookie when the expiry slid forward. */
export function loadSession(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('user', null);
    c.set('sessionTokenHash', null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length <= 100) {
      const session = await resumeSession(deps.db, deps.config.sessionSecret, token, deps.now());
      if (session) {
        c.set('user', session.user);
        c.set('sessionTokenHash', session.tokenHash);
        if (session.renewedUntil) setSessionCookie(c, deps, token);
      }
    }
    await next();
  };
}
