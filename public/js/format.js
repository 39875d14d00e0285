// How money, times and statuses read on every page.

const LOCALE = 'en-GB';
const CURRENCY = 'EUR';

const moneyFormat = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: CURRENCY });
const timeFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });
const numberFormat = new Intl.NumberFormat(LOCALE);

export const money = (cents) => moneyFormat.format((cents ?? 0) / 100);
export const percent = (ratio) => percentFormat.format(ratio ?? 0);
export const count = (n) => numberFormat.format(n ?? 0);

/** "18:04" today, "22 Nov, 18:04" on another day. */
export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** A UTC calendar day from the analytics API ("2026-11-22") as "22 Nov". */
export const day = (isoDate) => dayFormat.format(new Date(`${isoDate}T00:00:00Z`));

export const shortId = (orderId) => orderId.slice(0, 8);

/** What a customer reads. */
export const CUSTOMER_STATUS = {
  PENDING: 'Waiting for the pizzeria to confirm',
  CONFIRMED: 'Confirmed',
  COOKING: 'In the oven',
  READY: 'Ready',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERED: 'Delivered',
  PICKED_UP: 'Picked up',
  CANCELLED: 'Cancelled',
};

/** What staff read: short, one per kitchen-board column. */
export const STAFF_STATUS = {
  PENDING: 'Pending',
  CONFIRMED: 'Confirmed',
  COOKING: 'Cooking',
  READY: 'Ready',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERED: 'Delivered',
  PICKED_UP: 'Picked up',
  CANCELLED: 'Cancelled',
};

export const PAYMENT_STATUS = { UNPAID: 'Unpaid', PAID: 'Paid', REFUNDED: 'Refunded' };

export const SIZE = { small: 'Small', medium: 'Medium', large: 'Large' };

export function itemLine(item, toppingNames = {}) {
  const toppings = (item.toppings ?? []).map((id) => toppingNames[id] ?? id);
  const base = `${item.quantity} × ${item.name ?? item.pizzaId} (${(SIZE[item.size] ?? item.size).toLowerCase()})`;
  return toppings.length ? `${base} + ${toppings.join(', ')}` : base;
}
