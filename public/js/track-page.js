// "/track/{orderId}": one customer's order, its status and timeline, kept
// current by the order's own live stream.
import { ApiProblem, get, post, toppingNames } from './api.js';
import { $, announce, h, replaceChildren } from './dom.js';
import { clearError, clearFieldErrors, placeFieldErrors, showError } from './errors.js';
import { CUSTOMER_STATUS, PAYMENT_STATUS, itemLine, money, shortId, when } from './format.js';
import { liveIndicator, openLiveStream } from './live.js';

const orderId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const placedAt = Number(new URLSearchParams(location.search).get('position')) || undefined;

const DELIVERY_STEPS = ['PENDING', 'CONFIRMED', 'COOKING', 'READY', 'OUT_FOR_DELIVERY', 'DELIVERED'];
const PICKUP_STEPS = ['PENDING', 'CONFIRMED', 'COOKING', 'READY', 'PICKED_UP'];
const STEP_LABEL = {
  PENDING: 'Placed',
  CONFIRMED: 'Confirmed',
  COOKING: 'In the oven',
  READY: 'Ready',
  OUT_FOR_DELIVERY: 'On its way',
  DELIVERED: 'Delivered',
  PICKED_UP: 'Picked up',
};

let order;
let names = {};
let shownVersion = 0;
let stream;
let refreshing = false;
let wantedPosition = 0;
const showLive = liveIndicator($('#live'));

async function start() {
  names = await toppingNames().catch(() => ({}));
  try {
    const timeline = await get(`/orders/${encodeURIComponent(orderId)}/timeline`);
    const last = timeline[timeline.length - 1]?.position;
    const current = await get(`/orders/${encodeURIComponent(orderId)}`, { query: { minPosition: last ?? placedAt } });
    render(current, timeline);
    connect(last);
  } catch (problem) {
    fail(problem);
  }
}

function fail(problem) {
  $('#loading').hidden = true;
  if (!(problem instanceof ApiProblem)) throw problem;
  showError($('#page-error'), problem);
  if (problem.code === 'ORDER_NOT_FOUND') {
    $('#order').hidden = true;
    showLive('offline');
    $('#live').hidden = true;
  }
}

/** From the position of the last event shown: the server replays anything newer, then goes live. */
function connect(lastEventId) {
  stream?.close();
  stream = openLiveStream({
    orderId,
    lastEventId,
    onState: showLive,
    onEvent: (event) => refresh(event.position),
    onClosed: (lastId) => setTimeout(() => resync(lastId), 3000),
  });
}

/** The server turned the stream down (it restarted, say): read the order again and reconnect from there. */
async function resync(lastId) {
  try {
    const timeline = await get(`/orders/${encodeURIComponent(orderId)}/timeline`);
    const last = timeline[timeline.length - 1]?.position ?? lastId;
    render(await get(`/orders/${encodeURIComponent(orderId)}`, { query: { minPosition: last } }), timeline);
    connect(last);
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.code === 'ORDER_NOT_FOUND') return fail(problem);
    setTimeout(() => resync(lastId), 5000);
  }
}

/** One event came in: re-read the order once its read model has it (read-your-writes by position). */
async function refresh(position) {
  wantedPosition = Math.max(wantedPosition, position);
  if (refreshing) return;
  refreshing = true;
  try {
    while (wantedPosition > 0) {
      const target = wantedPosition;
      const [current, timeline] = await Promise.all([
        get(`/orders/${encodeURIComponent(orderId)}`, { query: { minPosition: target } }),
        get(`/orders/${encodeURIComponent(orderId)}/timeline`),
      ]);
      render(current, timeline);
      if (wantedPosition === target) wantedPosition = 0;
    }
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.code === 'PROJECTION_BEHIND') {
      const retry = wantedPosition;
      setTimeout(() => refresh(retry), 1000);
    } else {
      fail(problem);
    }
  } finally {
    refreshing = false;
  }
}

function render(current, timeline) {
  if (current.version < shownVersion) return;
  const changed = order?.status !== current.status;
  order = current;
  shownVersion = current.version;
  $('#loading').hidden = true;
  $('#order').hidden = false;
  $('#order-title').textContent = `Your order #${shortId(order.orderId)}`;
  document.title = `${CUSTOMER_STATUS[order.status]} · Order #${shortId(order.orderId)} · Pizzeria`;
  renderStatus(changed);
  renderItems();
  renderTimeline(timeline);
  renderCancel();
}

function renderStatus(changed) {
  const label = CUSTOMER_STATUS[order.status] ?? order.status;
  const status = $('#status');
  if (changed) status.textContent = label;
  status.dataset.status = order.status;
  const steps = order.fulfilment === 'pickup' ? PICKUP_STEPS : DELIVERY_STEPS;
  const at = steps.indexOf(order.status);
  $('#steps').hidden = order.status === 'CANCELLED';
  replaceChildren(
    $('#steps'),
    steps.map((step, index) =>
      h(
        'li',
        { class: index < at ? 'done' : '', 'aria-current': index === at ? 'step' : undefined },
        STEP_LABEL[step],
        index < at ? h('span', { class: 'visually-hidden' }, ' (done)') : null,
      ),
    ),
  );
  $('#status-detail').textContent = statusDetail();
}

function statusDetail() {
  switch (order.status) {
    case 'PENDING':
      return 'We have your order. The pizzeria will confirm it shortly.';
    case 'CONFIRMED':
      return order.estimatedReadyAt ? `The pizzeria expects it ready by ${when(order.estimatedReadyAt)}.` : 'The pizzeria has accepted your order.';
    case 'COOKING':
      return 'Your pizzas are in the oven.';
    case 'READY':
      return order.fulfilment === 'pickup' ? 'Your order is ready: come and collect it.' : 'Your order is ready and will be on its way soon.';
    case 'OUT_FOR_DELIVERY':
      return order.courier ? `${order.courier} is bringing it to you.` : 'A courier is bringing it to you.';
    case 'DELIVERED':
      return 'Delivered. Enjoy your meal!';
    case 'PICKED_UP':
      return 'Collected. Enjoy your meal!';
    case 'CANCELLED':
      return `This order was cancelled${order.cancellationReason ? `: ${order.cancellationReason}` : ''}.${order.refundedCents ? ` ${money(order.refundedCents)} has been refunded.` : ''}`;
    default:
      return '';
  }
}

function renderItems() {
  replaceChildren(
    $('#items'),
    order.items.map((item) =>
      h(
        'tr',
        {},
        h('td', {}, itemLine(item, names)),
        h('td', { class: 'num price' }, money(item.unitPriceCents)),
        h('td', { class: 'num price' }, money(item.lineTotalCents)),
      ),
    ),
  );
  const rows = [['Subtotal', money(order.subtotalCents)]];
  if (order.discountCents) rows.push([`Discount${order.discountCode ? ` (${order.discountCode})` : ''}`, `−${money(order.discountCents)}`]);
  replaceChildren(
    $('#totals'),
    rows.map(([label, value]) => [h('dt', {}, label), h('dd', { class: 'price' }, value)]),
    h('dt', { class: 'grand' }, 'Total'),
    h('dd', { class: 'price grand', id: 'total' }, money(order.totalCents)),
    h('dt', {}, 'Payment'),
    h('dd', {}, h('span', { class: `badge ${order.paymentStatus.toLowerCase()}` }, PAYMENT_STATUS[order.paymentStatus] ?? order.paymentStatus)),
  );
  $('#fulfilment').textContent =
    order.fulfilment === 'pickup'
      ? `For pickup, placed ${when(order.placedAt)} by ${order.customer.name}.`
      : `For delivery to ${order.customer.address ?? 'the address you gave'}, placed ${when(order.placedAt)} by ${order.customer.name}.`;
}

function renderTimeline(timeline) {
  const list = $('#timeline');
  for (const entry of timeline) {
    if (list.querySelector(`li[data-version="${entry.version}"]`)) continue;
    list.append(
      h(
        'li',
        { dataset: { version: String(entry.version), type: entry.type } },
        h('time', { datetime: entry.occurredAt }, when(entry.occurredAt)),
        entry.description,
      ),
    );
  }
}

function renderCancel() {
  const area = $('#cancel-area');
  const wasShown = !area.hidden;
  area.hidden = order.status !== 'PENDING';
  if (wasShown && area.hidden && area.contains(document.activeElement)) $('#status').focus?.();
}

$('#cancel-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const reasonInput = $('#cancel-reason');
  const fields = { reason: { label: 'Reason', input: reasonInput, error: $('#cancel-reason-error') } };
  clearFieldErrors(fields);
  clearError($('#cancel-error'));
  const button = $('#cancel-button');
  button.disabled = true;
  try {
    const result = await post(`/orders/${encodeURIComponent(orderId)}/cancel`, { reason: reasonInput.value.trim() });
    announce('Your order has been cancelled.');
    refresh(result.position);
  } catch (problem) {
    if (!(problem instanceof ApiProblem)) throw problem;
    if (problem.status === 400) {
      const { unplaced } = placeFieldErrors(problem.messages, fields);
      if (unplaced.length) showError($('#cancel-error'), unplaced.join(' '));
      reasonInput.focus();
    } else {
      showError($('#cancel-error'), problem);
    }
  } finally {
    button.disabled = false;
  }
});

if (orderId) start();
else fail(new ApiProblem(404, { code: 'ORDER_NOT_FOUND', message: 'No order id in the address' }));
