// Signing a member of staff in on a staff page: with a login and a password (a
// server-side session in an HttpOnly cookie), or, on a screen that runs
// unattended, with a personal API token. Either way the page then asks
// GET /auth/session who that is and which routes their role may call, and
// shows only those buttons.
import { ApiProblem, get, post, staffAuth, staffToken } from './api.js';
import { $ } from './dom.js';
import { explain } from './errors.js';

/**
 * Whether this browser signed in with a password earlier. The session cookie
 * is HttpOnly, so no script can see it; this hint (no secret in it) saves a
 * page from asking GET /auth/session, and getting a 401, on every visit of
 * someone who never signed in.
 */
const SIGNED_IN_HINT = 'pizzeria.signedIn';
const hint = {
  get: () => localStorage.getItem(SIGNED_IN_HINT) === '1',
  set: () => localStorage.setItem(SIGNED_IN_HINT, '1'),
  clear: () => localStorage.removeItem(SIGNED_IN_HINT),
};

/**
 * Shows the sign-in forms until the API accepts a password or a token, then
 * calls start(view). Returns signIn(message), which a page calls when a later
 * request comes back 401/403 for its credentials: it forgets them and asks again.
 */
export function staffSession({ start, stop }) {
  const gate = $('#token-gate');
  const app = $('#staff-app');
  const signedInAs = document.getElementById('signed-in-as');
  const signOut = document.getElementById('sign-out');
  const forms = {
    password: {
      form: $('#sign-in-form'),
      inputs: [$('#login'), $('#password')],
      error: $('#sign-in-error'),
    },
    token: {
      form: $('#token-form'),
      inputs: [$('#staff-token')],
      error: $('#staff-token-error'),
    },
  };

  function showGate(message, which = 'password') {
    stop?.();
    staffToken.clear();
    staffAuth.clear();
    hint.clear();
    app.hidden = true;
    gate.hidden = false;
    if (signOut) signOut.hidden = true;
    if (signedInAs) signedInAs.textContent = '';
    for (const [name, { inputs, error }] of Object.entries(forms)) {
      const failed = Boolean(message) && name === which;
      error.textContent = failed ? message : '';
      for (const input of inputs) {
        if (failed) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    }
    forms[which].inputs[0].focus();
  }

  function enter(view) {
    staffAuth.set(view);
    if (view.via === 'session') hint.set();
    for (const { inputs, error } of Object.values(forms)) {
      error.textContent = '';
      for (const input of inputs) input.removeAttribute('aria-invalid');
    }
    gate.hidden = true;
    app.hidden = false;
    if (signOut) signOut.hidden = false;
    if (signedInAs) signedInAs.textContent = `${view.staff.name ?? 'Staff token'} · ${view.staff.role}`;
    start(view);
  }

  forms.password.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const login = $('#login').value.trim();
    const password = $('#password').value;
    if (!login || !password) return showGate('Enter your login and your password.');
    const button = event.currentTarget.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      staffToken.clear();
      const view = await post('/auth/sign-in', { login, password });
      $('#password').value = '';
      enter(view);
    } catch (problem) {
      if (!(problem instanceof ApiProblem)) throw problem;
      $('#password').value = '';
      showGate(signInRefused(problem));
    } finally {
      button.disabled = false;
    }
  });

  forms.token.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('#staff-token').value.trim();
    if (!token) return showGate('Enter the staff token.', 'token');
    const button = event.currentTarget.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      staffToken.set(token);
      const view = await get('/auth/session', { staff: true });
      $('#staff-token').value = '';
      enter(view);
    } catch (problem) {
      if (!(problem instanceof ApiProblem)) throw problem;
      showGate(problem.isAuth ? 'That token was not accepted. Check it and try again.' : explain(problem), 'token');
    } finally {
      button.disabled = false;
    }
  });

  signOut?.addEventListener('click', async () => {
    // The session ends on the server, not only in this tab: its cookie stops working everywhere.
    if (staffAuth.view?.via === 'session') await post('/auth/sign-out', {}, { staff: true }).catch(() => undefined);
    showGate();
  });

  // A token typed earlier in this tab, or the cookie of an earlier sign-in: whoever they sign in, if anyone.
  const hadToken = Boolean(staffToken.get());
  if (!hadToken && !hint.get()) showGate();
  else {
    get('/auth/session', { staff: true }).then(enter, (problem) => {
      if (!(problem instanceof ApiProblem)) throw problem;
      if (!problem.isAuth) showGate(explain(problem));
      else if (hadToken) showGate('The staff token is no longer accepted: enter it again.', 'token');
      else showGate('Your session has ended: sign in again.');
    });
  }

  return (message) => {
    const byToken = staffAuth.view?.via === 'token';
    showGate(
      message ?? (byToken ? 'The staff token is no longer accepted: enter it again.' : 'Your session has ended: sign in again.'),
      byToken ? 'token' : 'password',
    );
  };
}

/** What the sign-in form says when the API turns a password down. */
function signInRefused(problem) {
  if (problem.code === 'SIGN_IN_FAILED') return 'The login or the password is wrong.';
  if (problem.code === 'SIGN_IN_RATE_LIMITED') {
    const minutes = Math.max(1, Math.ceil((problem.body.retryAfterSeconds ?? 60) / 60));
    return `Too many failed attempts: try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
  }
  if (problem.status === 400) return 'Enter your login and your password.';
  return explain(problem);
}
