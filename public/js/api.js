// The only way the UI talks to the server: the public HTTP API, in JSON.

const TOKEN_KEY = 'pizzeria.staffToken';

/**
 * A personal API token (or the bootstrap token), for a screen that runs
 * unattended: typed once, kept for this browser session (tab) only.
 */
export const staffToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * Who is signed in, as GET /auth/session tells it: the account, its CSRF token
 * when a session cookie signs the requests in, and the staff routes its role
 * may call. Kept in memory only: the cookie itself is HttpOnly, out of reach of
 * any script, and a reload asks the server again.
 */
let signedIn = null;
export const staffAuth = {
  get view() {
    return signedIn;
  },
  set: (view) => {
    signedIn = view;
  },
  clear: () => {
    signedIn = null;
  },
  /** Whether the role may call a route, spelt as in the OpenAPI document: 'POST /orders/{id}/confirm'. */
  may: (route) => Boolean(signedIn?.routes?.includes(route)),
};

/** Codes that mean "these credentials no longer sign anyone in": ask again. A role refusal (ROLE_NOT_ALLOWED) is not one. */
const SIGNED_OUT = new Set(['STAFF_TOKEN_INVALID', 'STAFF_TOKEN_REVOKED', 'STAFF_ACCOUNT_DISABLED', 'CSRF_TOKEN_INVALID']);

/** An error answer from the API, in the contract's shape: status, stable code, message(s). */
export class ApiProblem extends Error {
  constructor(status, body) {
    const messages = Array.isArray(body?.message) ? body.message : [body?.message ?? 'The request failed'];
    super(messages.join('; '));
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'NETWORK' : 'UNKNOWN');
    this.messages = messages;
    this.body = body ?? {};
  }

  get isAuth() {
    return this.status === 401 || (this.status === 403 && SIGNED_OUT.has(this.code));
  }
}

export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * fetch with the contract's conventions. Options: query (object), body (JSON),
 * staff (sign the request in: the token if one was typed, else the session
 * cookie, which the browser sends by itself, with its CSRF token on changes),
 * ifMatch (a version), idempotencyKey.
 */
export async function api(method, path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.staff) {
    const token = staffToken.get();
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (method !== 'GET' && signedIn?.csrfToken) headers['X-CSRF-Token'] = signedIn.csrfToken;
  }
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;

  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiProblem(0, { message: 'We could not reach the pizzeria. Check your connection and try again.' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw new ApiProblem(response.status, data);
  return data;
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body: body ?? {} });

/** The menu rarely changes; one fetch per page load is plenty. */
let menuPromise;
export function loadMenu() {
  menuPromise ??= get('/menu').catch((error) => {
    menuPromise = undefined;
    throw error;
  });
  return menuPromise;
}

export async function toppingNames() {
  const menu = await loadMenu();
  return Object.fromEntries(menu.toppings.map((t) => [t.id, t.name]));
}
