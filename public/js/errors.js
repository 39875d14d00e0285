// Turns the API's errors into words a customer or a cook understands, and
// puts validation messages beside the fields they are about.
import { h, replaceChildren } from './dom.js';

/** 409s and friends: a plain-language lead, then the server's own explanation. */
const EXPLAINED = {
  ORDER_NOT_PENDING: 'Someone got there first: this order is no longer waiting for confirmation.',
  ORDER_ALREADY_PAID: 'This order has already been paid, so that can no longer be done.',
  ORDER_CANCELLED: 'This order has been cancelled, so nothing more can be done with it.',
  DISCOUNT_ALREADY_APPLIED: 'Only one discount per order, and this order already has one.',
  ORDER_NOT_CONFIRMED: 'The kitchen can only start an order once it is confirmed.',
  ORDER_NOT_COOKING: 'Only an order in the oven can be marked ready.',
  ORDER_NOT_READY: 'The order is not ready yet.',
  ORDER_NOT_OUT_FOR_DELIVERY: 'The order has not been sent out yet.',
  ORDER_NOT_CANCELLABLE: 'It is too late to cancel: the kitchen has already started on this order.',
  PICKUP_ORDER_NOT_DISPATCHABLE: 'This is a pickup order: the customer collects it, nobody delivers it.',
  CANCELLATION_REQUIRES_STAFF: 'The pizzeria has already confirmed your order, so only they can cancel it now. Please call us.',
  CONCURRENT_UPDATE: 'Lots of people changed this order at once.',
  VERSION_MISMATCH: 'This order changed while you were looking at it. The screen now shows its latest state: check it and try again.',
  IDEMPOTENCY_KEY_REUSED: 'That request was already sent with different details. Please try again.',
  IDEMPOTENCY_KEY_IN_FLIGHT: 'That request is still being processed. Give it a moment.',
  DISCOUNT_CODE_UNKNOWN: 'That discount code does not exist.',
  ORDER_NOT_FOUND: 'We can not find that order. Check the link you followed.',
  STAFF_TOKEN_MISSING: 'This needs the staff token.',
  STAFF_TOKEN_INVALID: 'The staff token was not accepted. It may have changed: enter it again.',
  PROJECTION_BEHIND: 'The pizzeria is busy catching up. Try again in a moment.',
  TOO_MANY_REQUESTS: 'Too many requests from this connection. Please wait a minute and try again.',
  PAYLOAD_TOO_LARGE: 'That is more than we can take in one go: make the notes shorter.',
};

export function explain(problem) {
  if (problem.status === 0) return problem.message;
  if (problem.status >= 500 && problem.code !== 'PROJECTION_BEHIND') {
    return 'Something went wrong on our side. Please try again in a moment.';
  }
  const lead = EXPLAINED[problem.code];
  const detail = problem.messages.join(' ');
  if (problem.code === 'VERSION_MISMATCH') return lead;
  if (lead) return detail && !detail.startsWith('This route') ? `${lead} (${detail})` : lead;
  if (problem.status === 409) return `That can not be done right now: ${detail}`;
  return detail;
}

/** Shows an explained error in an alert element (role="alert" makes it announced). */
export function showError(element, problem) {
  element.classList.add('alert', 'alert-error');
  element.setAttribute('role', 'alert');
  replaceChildren(element, typeof problem === 'string' ? problem : explain(problem));
  element.hidden = false;
}

export function clearError(element) {
  element.textContent = '';
  element.hidden = true;
}

/**
 * Splits a 400's messages by field. `fields` maps an API path (customer.name,
 * items.0) to { label, input, error }; the message is rewritten to start with
 * the label the user sees, e.g. "Name should not be empty". What matches no
 * field is returned for a summary.
 */
export function placeFieldErrors(messages, fields) {
  const unplaced = [];
  const placed = [];
  for (const message of messages) {
    const path = /^([A-Za-z0-9_.]+):?/.exec(message)?.[1] ?? '';
    const key = bestField(path, fields);
    if (!key) {
      unplaced.push(message);
      continue;
    }
    const field = fields[key];
    const rest = message.slice(path.length).replace(/^:?\s*/, '');
    const text = path !== key ? `${field.label}: ${message.slice(key.length + 1)}` : field.label ? `${field.label} ${rest}` : rest;
    const list = field.error.dataset.messages ? JSON.parse(field.error.dataset.messages) : [];
    list.push(capitalise(text.trim()));
    field.error.dataset.messages = JSON.stringify(list);
    replaceChildren(field.error, list.join(' '));
    field.error.hidden = false;
    field.input?.setAttribute('aria-invalid', 'true');
    placed.push({ key, text: capitalise(text.trim()), field });
  }
  return { placed, unplaced };
}

export function clearFieldErrors(fields) {
  for (const field of Object.values(fields)) {
    field.error.textContent = '';
    delete field.error.dataset.messages;
    field.input?.removeAttribute('aria-invalid');
  }
}

/** The longest field key that is the path or a prefix of it: items.0.quantity → items.0 before items. */
function bestField(path, fields) {
  let best;
  for (const key of Object.keys(fields)) {
    if ((path === key || path.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  return best;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A GOV.UK-style summary above a form: each problem links to its field. */
export function showErrorSummary(container, placed, unplaced) {
  const items = [
    ...placed.map(({ text, field }) =>
      h('li', {}, field.input?.id ? h('a', { href: `#${field.input.id}` }, text) : text),
    ),
    ...unplaced.map((text) => h('li', {}, text)),
  ];
  replaceChildren(
    container,
    h('h2', { id: `${container.id}-title` }, items.length === 1 ? 'There is a problem' : `There are ${items.length} problems`),
    h('ul', {}, items),
  );
  container.className = 'alert alert-error';
  container.setAttribute('role', 'alert');
  container.setAttribute('tabindex', '-1');
  container.hidden = false;
  container.focus();
}
