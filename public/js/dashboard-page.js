// "/dashboard": staff charts from GET /analytics/summary and the health of
// every projection, refreshed when the staff stream says something happened.
import { ApiProblem, get, staffAuth, staffToken } from './api.js';
import { $, h, replaceChildren } from './dom.js';
import { clearError, showError } from './errors.js';
import { barChart, rankingChart, ringChart } from './charts.js';
import { count, day, money, percent } from './format.js';
import { liveIndicator, openLiveStream } from './live.js';
import { staffSession } from './staff-session.js';

/** Bursts of events (a busy minute) cause one refresh, not one per event. */
const REFRESH_DELAY_MS = 1000;

let stream;
let refreshTimer;
let reconnectTimer;
let latestPosition;
const showLive = liveIndicator($('#live'));

const signIn = staffSession({ start: startDashboard, stop: stopDashboard });

function stopDashboard() {
  stream?.close();
  stream = undefined;
  clearTimeout(refreshTimer);
  clearTimeout(reconnectTimer);
}

function startDashboard() {
  stopDashboard();
  stream = openLiveStream({
    staffToken: staffToken.get(),
    onState: showLive,
    onEvent: (event) => {
      latestPosition = event.position;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(load, REFRESH_DELAY_MS);
    },
    onClosed: () => {
      reconnectTimer = setTimeout(startDashboard, 3000);
    },
  });
  load();
}

$('#range').addEventListener('change', load);
$('#range-form').addEventListener('submit', (event) => event.preventDefault());

function range() {
  const days = Number($('#range').value);
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** The figures are the manager's; projection health too. Another role sees why they are not there. */
function showWhatTheRoleMay() {
  const figures = staffAuth.may('GET /analytics/summary');
  const health = staffAuth.may('GET /admin/projections');
  for (const element of document.querySelectorAll('#range-form, #kpis, .charts')) element.hidden = !figures;
  $('#health-section').hidden = !health;
  $('#role-note').hidden = figures && health;
  $('#role-note').textContent =
    `The sales figures and the projection health are for the manager role; you are signed in as ${staffAuth.view.staff.role}.`;
}

async function load() {
  const error = $('#dashboard-error');
  showWhatTheRoleMay();
  try {
    const [summary, projections] = await Promise.all([
      staffAuth.may('GET /analytics/summary')
        ? get('/analytics/summary', { staff: true, query: { ...range(), minPosition: latestPosition } })
        : null,
      staffAuth.may('GET /admin/projections') ? get('/admin/projections', { staff: true }) : null,
    ]);
    clearError(error);
    $('#dashboard-loading').hidden = true;
    if (summary) {
      renderKpis(summary);
      renderCharts(summary);
    }
    if (projections) renderHealth(projections);
  } catch (problem) {
    if (!(problem instanceof ApiProblem)) throw problem;
    if (problem.isAuth) return signIn();
    showError(error, problem);
  }
}

function renderKpis(summary) {
  const kpis = [
    ['Orders', count(summary.totalOrders)],
    ['Confirmed', count(summary.confirmedOrders)],
    ['Cancelled', count(summary.cancelledOrders)],
    ['Confirmation rate', percent(summary.confirmationRate)],
    ['Revenue', money(summary.revenueCents)],
    ['Average order', money(summary.averageOrderValueCents)],
  ];
  replaceChildren(
    $('#kpis'),
    kpis.map(([label, value]) => h('li', { class: 'kpi' }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value))),
  );
}

function renderCharts(summary) {
  const daily = summary.daily.map((d) => ({ label: day(d.date), date: d.date, orders: d.orders, revenueCents: d.revenueCents }));
  replaceChildren(
    $('#orders-chart'),
    barChart({
      title: 'Orders per day',
      points: daily.map((d) => ({ label: d.label, value: d.orders })),
      format: count,
      unit: 'Orders',
      integer: true,
    }),
  );
  replaceChildren(
    $('#revenue-chart'),
    barChart({
      title: 'Revenue per day',
      points: daily.map((d) => ({ label: d.label, value: d.revenueCents })),
      format: money,
      alt: true,
      unit: 'Revenue',
    }),
  );
  replaceChildren(
    $('#popular-chart'),
    rankingChart({
      title: 'Popular pizzas',
      points: summary.popularItems.map((item) => ({ label: item.name, value: item.quantity })),
      format: (v) => count(v),
      unit: 'Pizzas sold',
    }),
  );
  replaceChildren(
    $('#rate-chart'),
    ringChart({
      title: 'Confirmation rate',
      ratio: summary.confirmationRate,
      format: percent,
      caption: `${count(summary.confirmedOrders)} of ${count(summary.totalOrders)} orders confirmed; ${count(summary.cancelledOrders)} cancelled.`,
    }),
  );
}

const HEALTHY = new Set(['live', 'running-elsewhere']);

function renderHealth(projections) {
  replaceChildren(
    $('#health'),
    projections.map((p) =>
      h(
        'tr',
        { dataset: { projection: p.name } },
        h('th', { scope: 'row' }, p.name),
        h(
          'td',
          {},
          h(
            'span',
            { class: `badge ${HEALTHY.has(p.status) && p.lagEvents === 0 ? 'good' : p.status === 'failed' ? 'bad' : ''}` },
            p.status,
          ),
          p.lastError ? h('span', { class: 'muted' }, ` ${p.lastError}`) : null,
        ),
        h('td', { class: 'num' }, count(p.position)),
        h('td', { class: 'num' }, count(p.lagEvents)),
      ),
    ),
  );
}
