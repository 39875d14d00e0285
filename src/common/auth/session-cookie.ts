/** The cookie a signed-in browser carries: an opaque id of a server-side session (staff_sessions). */
export const SESSION_COOKIE = 'pizzeria_session';

/** The header a cookie-authorised POST, PUT, PATCH or DELETE must carry: the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Methods that change something, which a cookie alone must not authorise (another site's form can send the cookie). */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/** The session cookie's value in a Cookie header, if any. */
export function sessionCookieOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = pair.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/**
 * The Set-Cookie value for a session: HttpOnly (no script reads it, so an XSS
 * cannot carry it off), SameSite=Strict (another site's page never sends it),
 * Secure outside development and tests (which run on plain http://localhost).
 */
export function sessionCookie(value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The Set-Cookie value that makes the browser forget the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure });
}
