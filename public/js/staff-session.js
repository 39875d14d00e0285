// The staff token: asked for once, kept in sessionStorage for this browser
// session, and asked for again only when the API turns it down.
import { get, staffToken } from './api.js';
import { $ } from './dom.js';
import { explain } from './errors.js';

/**
 * Shows the sign-in form until a token the API accepts is entered, then calls
 * start(). Returns signIn(message), which a page calls when a later request
 * comes back 401/403: it forgets the token and asks again.
 */
export function staffSession({ start, stop }) {
  const gate = $('#token-gate');
  const app = $('#staff-app');
  const form = $('#token-form');
  const input = $('#staff-token');
  const error = $('#staff-token-error');
  const signOut = document.getElementById('sign-out');

  function showGate(message) {
    stop?.();
    staffToken.clear();
    app.hidden = true;
    gate.hidden = false;
    error.textContent = message ?? '';
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if (signOut) signOut.hidden = true;
    input.focus();
  }

  function enter() {
    gate.hidden = true;
    app.hidden = false;
    if (signOut) signOut.hidden = false;
    start();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      showGate('Enter the staff token.');
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      staffToken.set(token);
      await get('/orders', { staff: true, query: { limit: 1 } });
      input.value = '';
      input.removeAttribute('aria-invalid');
      error.textContent = '';
      enter();
    } catch (problem) {
      showGate(problem.isAuth ? 'That token was not accepted. Check it and try again.' : explain(problem));
    } finally {
      button.disabled = false;
    }
  });

  signOut?.addEventListener('click', () => showGate());

  if (staffToken.get()) enter();
  else showGate();

  return (message) => showGate(message ?? 'The staff token is no longer accepted: enter it again.');
}
