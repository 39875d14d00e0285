// "/kitchen": the staff board. A column per status, a button for each next
// step, and live updates for every order from anyone, over the staff stream.
import { ApiProblem, get, post, staffAuth, staffToken, toppingNames } from './api.js';
import { $, h, replaceChildren, toast, whileBusy } from './dom.js';
import { clearError, clearFieldErrors, explain, placeFieldErrors, showError } from './errors.js';
import { PAYMENT_STATUS, STAFF_STATUS, itemLine, money, shortId, when } from './format.js';
import { liveIndicator, openLiveStream } from './live.js';
import { staffSession } from './staff-session.js';

const COLUMNS = ['PENDING', 'CONFIRMED', 'COOKING', 'READY', 'OUT_FOR_DELIVERY', 'DELIVERED', 'PICKED_UP', 'CANCELLED'];
const ACTIVE = COLUMNS.slice(0, 5);
const FINISHED = new Set(['DELIVERED', 'PICKED_UP', 'CANCELLED']);
/** Finished orders kept on the board, per column: the latest ones. */
const FINISHED_SHOWN = 30;

/** What a toast says once a step worked. */
const DONE = {
  confirm: 'confirmed',
  pay: 'paid',
  'start-cooking': 'is cooking',
  ready: 'is ready',
  dispatch: 'is out for delivery',
  deliver: 'delivered',
  cancel: 'cancelled',
  discount: 'discounted',
};

const orders = new Map();
const cardErrors = new Map();
let names = {};
let stream;
let loaded = false;
let focusAfterRender;
let detailsOrderId;
let reconnectTimer;
const showLive = liveIndicator($('#live'));

const signIn = staffSession({ start: startBoard, stop: stopBoard });

function stopBoard() {
  stream?.close();
  stream = undefined;
  clearTimeout(reconnectTimer);
}

async function startBoard() {
  stopBoard();
  loaded = false;
  buildColumns();
  clearError($('#board-error'));
  names = await toppingNames().catch(() => ({}));
  // Subscribe first, then read the lists: whatever happens in between arrives as an event.
  stream = openLiveStream({
    // Signed in by a session, the stream goes with its cookie; a token has to go in the query.
    staffToken: staffToken.get(),
    onState: showLive,
    onEvent,
    onClosed: () => {
      reconnectTimer = setTimeout(startBoard, 3000);
    },
  });
  await Promise.race([stream.opened, new Promise((resolve) => setTimeout(resolve, 5000))]);
  try {
    const [active, finished] = await Promise.all([
      listAll({ status: ACTIVE.join(',') }),
      get('/orders', { staff: true, query: { status: [...FINISHED].join(','), limit: FINISHED_SHOWN } }),
    ]);
    for (const order of [...active, ...finished.items]) upsert(order);
    loaded = true;
    $('#board-loading').hidden = true;
    updateCounts();
  } catch (problem) {
    handleProblem(problem, $('#board-error'));
  }
}

async function listAll(query) {
  const all = [];
  let cursor;
  for (let page = 0; page < 10; page++) {
    const result = await get('/orders', { staff: true, query: { ...query, limit: 100, cursor } });
    all.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return all;
}

function handleProblem(problem, where) {
  if (!(problem instanceof ApiProblem)) throw problem;
  if (problem.isAuth) signIn();
  else showError(where, problem);
}

function onEvent(event) {
  if (!event.orderId) return;
  if (event.type === 'OrderPlaced' && loaded) toast(`New order from ${event.data.customer?.name ?? 'a customer'}`);
  refreshOrder(event.orderId, event.position);
  if (detailsOrderId === event.orderId) loadTimeline(event.orderId);
}

/** Reads one order once its read model has the given position; stale answers lose to newer versions. */
async function refreshOrder(orderId, position, attempt = 0) {
  try {
    upsert(await get(`/orders/${orderId}`, { staff: true, query: { minPosition: position } }));
    updateCounts();
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.code === 'PROJECTION_BEHIND' && attempt < 3) {
      setTimeout(() => refreshOrder(orderId, position, attempt + 1), 1000);
    } else {
      handleProblem(problem, $('#board-error'));
    }
  }
}

function buildColumns() {
  orders.clear();
  $('#board-loading').hidden = false;
  replaceChildren(
    $('#board'),
    COLUMNS.map((status) =>
      h(
        'section',
        { class: 'column', id: `column-${status}`, 'aria-labelledby': `column-${status}-title`, dataset: { status } },
        h('h2', { id: `column-${status}-title` }, STAFF_STATUS[status], ' ', h('span', { class: 'count' }, '0')),
        h('ol', { class: 'cards' }),
        h('p', { class: 'empty' }, 'No orders'),
      ),
    ),
  );
}

function sortKey(order) {
  if (FINISHED.has(order.status)) return -Date.parse(order.updatedAt);
  return Date.parse(order.status === 'PENDING' ? order.placedAt : (order.confirmedAt ?? order.placedAt));
}

function upsert(order, { force = false } = {}) {
  const known = orders.get(order.orderId);
  if (known && known.version > order.version) return;
  if (!force && known && known.version === order.version && document.getElementById(`card-${order.orderId}`)) return;
  orders.set(order.orderId, order);
  const old = document.getElementById(`card-${order.orderId}`);
  const hadFocus = old?.contains(document.activeElement);
  old?.remove();
  const column = document.getElementById(`column-${order.status}`);
  if (!column) return;
  const list = column.querySelector('.cards');
  const card = renderCard(order);
  const key = sortKey(order);
  const before = [...list.children].find((li) => sortKey(orders.get(li.dataset.orderId)) > key);
  list.insertBefore(card, before ?? null);
  if (FINISHED.has(order.status)) {
    while (list.children.length > FINISHED_SHOWN) list.lastElementChild.remove();
  }
  if (hadFocus || focusAfterRender === order.orderId) {
    focusAfterRender = undefined;
    const target = card.querySelector('.button-row button') ?? card.querySelector('.card');
    target.focus();
  }
}

function updateCounts() {
  for (const status of COLUMNS) {
    const column = document.getElementById(`column-${status}`);
    if (!column) continue;
    const count = column.querySelector('.cards').children.length;
    column.querySelector('.count').textContent = String(count);
    column.querySelector('.count').setAttribute('aria-label', `${count} ${count === 1 ? 'order' : 'orders'}`);
    column.querySelector('.empty').hidden = count > 0;
  }
}

/** The route a board action calls, as GET /auth/session lists what the role may call. */
const routeOf = (action) => `POST /orders/{id}/${action.command ?? action.dialog}`;

/** The next steps for an order that this member of staff's role may take: a driver sees no Confirm. */
function actionsFor(order) {
  return possibleActions(order).filter((action) => staffAuth.may(routeOf(action)));
}

function possibleActions(order) {
  const actions = [];
  const unpaid = order.paymentStatus === 'UNPAID';
  const payActions = [
    { label: 'Paid by card', command: 'pay', body: { method: 'card' } },
    { label: 'Paid by cash', command: 'pay', body: { method: 'cash' } },
  ];
  const mayPay = staffAuth.may('POST /orders/{id}/pay');
  switch (order.status) {
    case 'PENDING':
      actions.push({ label: 'Confirm', command: 'confirm', kind: 'go' }, { label: 'Cancel…', dialog: 'cancel', kind: 'danger' });
      break;
    case 'CONFIRMED':
      // Whoever cannot take the payment just starts cooking; the counter takes it later.
      if (unpaid && mayPay) actions.push(...payActions, { label: 'Start cooking, pay later', command: 'start-cooking', kind: 'secondary' });
      else actions.push({ label: 'Start cooking', command: 'start-cooking', kind: 'go' });
      actions.push({ label: 'Cancel…', dialog: 'cancel', kind: 'danger' });
      break;
    case 'COOKING':
      actions.push({ label: 'Ready', command: 'ready', kind: 'go' });
      if (unpaid) actions.push(...payActions);
      break;
    case 'READY':
      actions.push(
        order.fulfilment === 'pickup'
          ? { label: 'Handed over', command: 'deliver', kind: 'go' }
          : { label: 'Dispatch…', dialog: 'dispatch', kind: 'go' },
      );
      if (unpaid) actions.push(...payActions);
      break;
    case 'OUT_FOR_DELIVERY':
      actions.push({ label: 'Delivered', command: 'deliver', kind: 'go' });
      if (unpaid) actions.push(...payActions);
      break;
    case 'DELIVERED':
    case 'PICKED_UP':
      if (unpaid) actions.push(...payActions);
      break;
    default:
      break;
  }
  return actions;
}

function renderCard(order) {
  const id = order.orderId;
  const titleId = `card-${id}-title`;
  const errorText = cardErrors.get(id);
  return h(
    'li',
    { id: `card-${id}`, dataset: { orderId: id } },
    h(
      'article',
      {
        class: `card card-status-${order.status}`,
        tabindex: '-1',
        'aria-labelledby': titleId,
        dataset: { orderId: id, status: order.status, version: String(order.version) },
      },
      h(
        'h3',
        { id: titleId },
        h('span', {}, `#${shortId(id)} · ${order.customer.name}`),
        h('span', { class: `badge ${order.paymentStatus.toLowerCase()}` }, PAYMENT_STATUS[order.paymentStatus] ?? order.paymentStatus),
      ),
      h(
        'p',
        { class: 'meta' },
        h('span', {}, order.fulfilment === 'pickup' ? 'Pickup' : 'Delivery'),
        h('span', {}, `Placed ${when(order.placedAt)}`),
        h('span', { class: 'price' }, money(order.totalCents)),
      ),
      h(
        'ul',
        {},
        order.items.map((item) => h('li', {}, itemLine(item, names))),
      ),
      order.notes ? h('p', { class: 'meta' }, `Customer: ${order.notes}`) : null,
      order.kitchenNotes ? h('p', { class: 'meta' }, `Kitchen: ${order.kitchenNotes}`) : null,
      order.courier && order.status === 'OUT_FOR_DELIVERY' ? h('p', { class: 'meta' }, `With ${order.courier}`) : null,
      order.status === 'CANCELLED' && order.cancellationReason ? h('p', { class: 'meta' }, `Reason: ${order.cancellationReason}`) : null,
      h(
        'div',
        { class: 'button-row' },
        actionsFor(order).map((action) =>
          h(
            'button',
            {
              type: 'button',
              class: action.kind ?? 'secondary',
              'aria-describedby': titleId,
              dataset: { action: action.command ?? action.dialog },
              onclick: (event) => runAction(order.orderId, action, event.currentTarget),
            },
            action.label,
          ),
        ),
        h(
          'button',
          { type: 'button', class: 'quiet', 'aria-describedby': titleId, dataset: { action: 'details' }, onclick: () => openDetails(id) },
          'Timeline',
        ),
      ),
      errorText ? h('div', { class: 'alert alert-error', role: 'alert' }, errorText) : null,
    ),
  );
}

async function runAction(orderId, action, button) {
  if (action.dialog === 'cancel') return openCancel(orderId);
  if (action.dialog === 'dispatch') return openDispatch(orderId);
  await whileBusy(button, () => send(orderId, action.command, action.body ?? {}));
}

/**
 * Sends one step. No If-Match: the server retries lost races on fresh state,
 * and the order itself refuses a step that no longer applies, with a 409 the
 * card then explains. Returns the problem, if any, for dialogs to place.
 */
async function send(orderId, command, body, { errorOnCard = true } = {}) {
  cardErrors.delete(orderId);
  try {
    const result = await post(`/orders/${orderId}/${command}`, body, { staff: true });
    focusAfterRender = orderId;
    const done = command === 'deliver' && orders.get(orderId)?.fulfilment === 'pickup' ? 'picked up' : DONE[command];
    toast(`Order #${shortId(orderId)} ${done ?? 'updated'}`);
    await refreshOrder(orderId, result.position);
    return undefined;
  } catch (problem) {
    if (!(problem instanceof ApiProblem)) throw problem;
    if (problem.isAuth) {
      signIn();
      return problem;
    }
    if (problem.status !== 400) {
      if (errorOnCard) {
        cardErrors.set(orderId, explain(problem));
        focusAfterRender = orderId;
        const current = orders.get(orderId);
        if (current) upsert(current, { force: true });
      }
      // Then show the order as it is now, next to the explanation.
      await refreshOrder(orderId);
    }
    return problem;
  }
}

function describe(order) {
  return `#${shortId(order.orderId)} for ${order.customer.name}: ${order.items.map((item) => itemLine(item, names)).join(', ')}, ${money(order.totalCents)}.`;
}

function setUpDialog(dialog) {
  dialog.querySelectorAll('[data-close]').forEach((button) => button.addEventListener('click', () => dialog.close()));
  dialog.addEventListener('close', () => {
    if (dialog.id === 'details-dialog') detailsOrderId = undefined;
    const id = dialog.dataset.orderId;
    document.getElementById(`card-${id}`)?.querySelector('.card')?.focus();
  });
}
document.querySelectorAll('dialog').forEach(setUpDialog);

let dialogOrderId;

function openCancel(orderId) {
  dialogOrderId = orderId;
  const dialog = $('#cancel-dialog');
  dialog.dataset.orderId = orderId;
  $('#cancel-summary').textContent = describe(orders.get(orderId));
  $('#cancel-reason').value = '';
  clearFieldErrors(cancelFields());
  clearError($('#cancel-error'));
  dialog.showModal();
  $('#cancel-reason').focus();
}

const cancelFields = () => ({ reason: { label: 'Reason', input: $('#cancel-reason'), error: $('#cancel-reason-error') } });

$('#cancel-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = cancelFields();
  clearFieldErrors(fields);
  clearError($('#cancel-error'));
  const problem = await whileBusy($('#cancel-submit'), () =>
    send(dialogOrderId, 'cancel', { reason: $('#cancel-reason').value.trim() }, { errorOnCard: false }),
  );
  if (!problem) return $('#cancel-dialog').close();
  if (problem.status === 400) {
    const { unplaced } = placeFieldErrors(problem.messages, fields);
    if (unplaced.length) showError($('#cancel-error'), unplaced.join(' '));
    $('#cancel-reason').focus();
  } else if (!problem.isAuth) {
    showError($('#cancel-error'), problem);
  }
});

function openDispatch(orderId) {
  dialogOrderId = orderId;
  const dialog = $('#dispatch-dialog');
  dialog.dataset.orderId = orderId;
  const order = orders.get(orderId);
  $('#dispatch-summary').textContent = `${describe(order)} To: ${order.customer.address ?? 'no address given'}`;
  clearFieldErrors(dispatchFields());
  clearError($('#dispatch-error'));
  dialog.showModal();
  $('#courier').focus();
}

const dispatchFields = () => ({ courier: { label: 'Courier', input: $('#courier'), error: $('#courier-error') } });

$('#dispatch-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = dispatchFields();
  clearFieldErrors(fields);
  clearError($('#dispatch-error'));
  const courier = $('#courier').value.trim();
  const problem = await whileBusy($('#dispatch-submit'), () =>
    send(dialogOrderId, 'dispatch', courier ? { courier } : {}, { errorOnCard: false }),
  );
  if (!problem) return $('#dispatch-dialog').close();
  if (problem.status === 400) {
    const { unplaced } = placeFieldErrors(problem.messages, fields);
    if (unplaced.length) showError($('#dispatch-error'), unplaced.join(' '));
  } else if (!problem.isAuth) {
    showError($('#dispatch-error'), problem);
  }
});

async function openDetails(orderId) {
  detailsOrderId = orderId;
  const dialog = $('#details-dialog');
  dialog.dataset.orderId = orderId;
  renderDetails(orders.get(orderId));
  replaceChildren($('#details-timeline'), h('li', {}, 'Loading…'));
  clearFieldErrors(discountFields());
  clearError($('#discount-error'));
  $('#discount-code').value = '';
  dialog.showModal();
  await loadTimeline(orderId);
}

function renderDetails(order) {
  $('#details-title').textContent = `Order #${shortId(order.orderId)} · ${STAFF_STATUS[order.status]}`;
  const rows = [
    ['Customer', order.customer.name],
    ['Phone', order.customer.phone],
    ['Fulfilment', order.fulfilment === 'pickup' ? 'Pickup' : `Delivery to ${order.customer.address ?? '(no address)'}`],
    ['Items', order.items.map((item) => `${itemLine(item, names)}: ${money(item.lineTotalCents)}`).join('; ')],
    ['Subtotal', money(order.subtotalCents)],
    ...(order.discountCents ? [['Discount', `${order.discountCode}: −${money(order.discountCents)}`]] : []),
    ['Total', money(order.totalCents)],
    ['Payment', `${PAYMENT_STATUS[order.paymentStatus]}${order.paymentMethod ? ` (${order.paymentMethod})` : ''}`],
    ...(order.notes ? [['Customer notes', order.notes]] : []),
    ...(order.kitchenNotes ? [['Kitchen notes', order.kitchenNotes]] : []),
    ...(order.courier ? [['Courier', order.courier]] : []),
  ];
  replaceChildren(
    $('#details-body'),
    h(
      'dl',
      { class: 'totals' },
      rows.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
    ),
  );
  $('#discount-form').hidden = !(
    staffAuth.may('POST /orders/{id}/discount') &&
    order.paymentStatus === 'UNPAID' &&
    !order.discountCode &&
    order.status !== 'CANCELLED'
  );
}

async function loadTimeline(orderId) {
  try {
    const timeline = await get(`/orders/${orderId}/timeline`, { staff: true });
    if (detailsOrderId !== orderId) return;
    const order = orders.get(orderId);
    if (order) renderDetails(order);
    replaceChildren(
      $('#details-timeline'),
      timeline.map((entry) =>
        h(
          'li',
          { dataset: { type: entry.type } },
          h('time', { datetime: entry.occurredAt }, `${when(entry.occurredAt)} · ${entry.type}${byWhom(entry)}`),
          entry.description,
        ),
      ),
    );
  } catch (problem) {
    if (problem instanceof ApiProblem) replaceChildren($('#details-timeline'), h('li', {}, explain(problem)));
  }
}

/** "by Maria (counter)" for a member of staff by account, "by staff" for the bootstrap token, "by customer". */
function byWhom(entry) {
  if (entry.staff) return ` · by ${entry.staff.name} (${entry.staff.role})`;
  return entry.actor ? ` · by ${entry.actor}` : '';
}

const discountFields = () => ({ code: { label: 'Discount code', input: $('#discount-code'), error: $('#discount-code-error') } });

$('#discount-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = discountFields();
  clearFieldErrors(fields);
  clearError($('#discount-error'));
  const orderId = detailsOrderId;
  const button = event.currentTarget.querySelector('button[type="submit"]');
  const problem = await whileBusy(button, () =>
    send(orderId, 'discount', { code: $('#discount-code').value.trim() }, { errorOnCard: false }),
  );
  if (!problem) {
    $('#discount-code').value = '';
    return loadTimeline(orderId);
  }
  if (problem.code === 'DISCOUNT_CODE_UNKNOWN') {
    fields.code.error.textContent = problem.messages.join(' ');
    fields.code.input.setAttribute('aria-invalid', 'true');
    $('#discount-code').focus();
  } else if (problem.status === 400) {
    const { unplaced } = placeFieldErrors(problem.messages, fields);
    if (unplaced.length) showError($('#discount-error'), unplaced.join(' '));
    $('#discount-code').focus();
  } else if (!problem.isAuth) {
    showError($('#discount-error'), problem);
  }
});
