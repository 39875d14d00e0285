// Hand-drawn SVG charts: bars over days, horizontal bars, and a ring. Each one
// is an image with a text alternative, and comes with its data as a table.
import { h, svg } from './dom.js';

const WIDTH = 560;

let chartCount = 0;

/** A round top for the axis; for counts, an even one, so the middle line is a whole number too. */
function niceMax(value, integer) {
  if (value <= 0) return integer ? 2 : 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = integer ? [1, 2, 4, 6, 8, 10] : [1, 2, 2.5, 5, 10];
  for (const step of steps) {
    const top = step * magnitude;
    if (value <= top && (!integer || top >= 2)) return top;
  }
  return 10 * magnitude;
}

function accessibleSvg(height, label, description) {
  const id = `chart-${++chartCount}`;
  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart-svg' },
    svg('title', { id: `${id}-title` }, label),
    svg('desc', { id: `${id}-desc` }, description),
  );
}

function dataTable(caption, headings, rows) {
  return h(
    'details',
    {},
    h('summary', {}, 'Show the numbers'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table' },
        h('caption', { class: 'visually-hidden' }, caption),
        h('thead', {}, h('tr', {}, headings.map((text, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, text)))),
        h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((text, i) => (i ? h('td', { class: 'num' }, text) : h('th', { scope: 'row' }, text)))))),
      ),
    ),
  );
}

/** Vertical bars, one per point: [{ label, value }]; `format` writes a value. */
export function barChart({ title, points, format, alt = false, unit, integer = false }) {
  const height = 240;
  const margin = { top: 14, right: 8, bottom: 32, left: 56 };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)), integer);
  const total = points.reduce((sum, p) => sum + p.value, 0);
  const peak = points.reduce((best, p) => (p.value > (best?.value ?? -1) ? p : best), undefined);
  const chart = accessibleSvg(
    height,
    title,
    points.length === 0
      ? 'No data for this period.'
      : `${points.length} days, ${format(total)} in total${peak && peak.value > 0 ? `; the busiest day was ${peak.label} with ${format(peak.value)}` : ''}.`,
  );
  for (const fraction of [0, 0.5, 1]) {
    const y = margin.top + plotH * (1 - fraction);
    chart.append(
      svg('line', { class: fraction === 0 ? 'axis' : 'grid', x1: margin.left, x2: WIDTH - margin.right, y1: y, y2: y }),
      svg('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end' }, format(max * fraction)),
    );
  }
  const slot = plotW / Math.max(points.length, 1);
  const barWidth = Math.max(2, Math.min(28, slot * 0.7));
  const labelEvery = Math.ceil(points.length / 8);
  points.forEach((point, index) => {
    const barHeight = (point.value / max) * plotH;
    const x = margin.left + slot * index + (slot - barWidth) / 2;
    chart.append(
      svg(
        'rect',
        { class: `bar${alt ? ' alt' : ''}`, x, y: margin.top + plotH - barHeight, width: barWidth, height: Math.max(barHeight, point.value > 0 ? 1 : 0), dataset: { value: String(point.value) } },
        svg('title', {}, `${point.label}: ${format(point.value)}`),
      ),
    );
    if (index % labelEvery === 0) {
      chart.append(svg('text', { x: margin.left + slot * index + slot / 2, y: height - 10, 'text-anchor': 'middle' }, point.label));
    }
  });
  return [chart, dataTable(title, ['Day', unit], points.map((p) => [p.label, format(p.value)]))];
}

/** Horizontal bars, biggest first: [{ label, value }]. */
export function rankingChart({ title, points, format, unit }) {
  const rowH = 30;
  const height = Math.max(1, points.length) * rowH + 12;
  const labelW = 150;
  const max = Math.max(1, ...points.map((p) => p.value));
  const chart = accessibleSvg(
    height,
    title,
    points.length === 0 ? 'No pizzas sold in this period.' : points.map((p) => `${p.label}: ${format(p.value)}`).join('; '),
  );
  if (points.length === 0) {
    chart.append(svg('text', { x: 10, y: 26 }, 'No pizzas sold in this period'));
  }
  points.forEach((point, index) => {
    const y = 6 + index * rowH;
    const barW = ((WIDTH - labelW - 60) * point.value) / max;
    chart.append(
      svg('text', { x: labelW - 8, y: y + 18, 'text-anchor': 'end', class: 'value-label' }, point.label),
      svg('rect', { class: 'bar alt', x: labelW, y: y + 4, width: Math.max(barW, 1), height: rowH - 10, dataset: { value: String(point.value) } }, svg('title', {}, `${point.label}: ${format(point.value)}`)),
      svg('text', { x: labelW + barW + 6, y: y + 18, class: 'value-label' }, format(point.value)),
    );
  });
  return [chart, dataTable(title, ['Pizza', unit], points.map((p) => [p.label, format(p.value)]))];
}

/** One ratio as a ring with the percentage in the middle. */
export function ringChart({ title, ratio, caption, format }) {
  const height = 200;
  const r = 70;
  const cx = WIDTH / 2;
  const cy = height / 2;
  const circumference = 2 * Math.PI * r;
  const clamped = Math.max(0, Math.min(1, ratio));
  const chart = accessibleSvg(height, title, `${format(clamped)}. ${caption}`);
  chart.append(
    svg('circle', { class: 'ring-bg', cx, cy, r, fill: 'none', 'stroke-width': 22 }),
    svg('circle', {
      class: 'ring',
      cx,
      cy,
      r,
      fill: 'none',
      'stroke-width': 22,
      'stroke-dasharray': `${circumference * clamped} ${circumference}`,
      transform: `rotate(-90 ${cx} ${cy})`,
      dataset: { value: String(clamped) },
    }),
    svg('text', { x: cx, y: cy + 10, 'text-anchor': 'middle', class: 'ring-text' }, format(clamped)),
  );
  return [chart, h('p', { class: 'muted' }, caption)];
}
