// "/": the menu, the order builder and checkout. Places the order with
// POST /orders and lands on the tracking page.
import { ApiProblem, loadMenu, newIdempotencyKey, post } from './api.js';
import { $, announce, h, replaceChildren } from './dom.js';
import { clearError, clearFieldErrors, placeFieldErrors, showError, showErrorSummary } from './errors.js';
import { SIZE, money } from './format.js';

const CART_KEY = 'pizzeria.cart';
const MAX_QUANTITY = 20;

let menu = { pizzas: [], toppings: [] };
let cart = readCart();
/** The same order body sent twice (a retry, a double submit) reuses its key, so it is placed once. */
let lastAttempt = { body: '', key: '' };

const builder = $('#builder');
const pizzaSelect = $('#pizza');
const quantityInput = $('#quantity');
const checkout = $('#checkout');

function readCart() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(saved) ? saved : [];
  } catch {
    return [];
  }
}

function saveCart() {
  sessionStorage.setItem(CART_KEY, JSON.stringify(cart));
}

const pizzaById = (id) => menu.pizzas.find((pizza) => pizza.id === id);
const toppingById = (id) => menu.toppings.find((topping) => topping.id === id);

function unitPrice(item) {
  const pizza = pizzaById(item.pizzaId);
  if (!pizza) return 0;
  return pizza.priceCents[item.size] + item.toppings.reduce((sum, id) => sum + (toppingById(id)?.priceCents ?? 0), 0);
}

async function start() {
  try {
    menu = await loadMenu();
  } catch (problem) {
    $('#menu-loading').hidden = true;
    showError($('#page-error'), problem);
    return;
  }
  $('#menu-loading').hidden = true;
  cart = cart.filter((item) => pizzaById(item.pizzaId));
  renderMenu();
  renderBuilder();
  renderCart();
}

function renderMenu() {
  replaceChildren(
    $('#menu-list'),
    menu.pizzas.map((pizza) =>
      h(
        'li',
        {},
        h(
          'article',
          { class: 'panel menu-item', 'aria-labelledby': `pizza-${pizza.id}-name` },
          h('h3', { id: `pizza-${pizza.id}-name` }, pizza.name),
          h('p', { class: 'muted' }, pizza.description),
          h(
            'p',
            { class: 'size-prices' },
            Object.entries(pizza.priceCents).map(([size, cents]) =>
              h('span', {}, `${SIZE[size]} `, h('span', { class: 'price' }, money(cents))),
            ),
          ),
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => choosePizza(pizza.id) },
            'Choose ',
            h('span', { class: 'visually-hidden' }, pizza.name),
          ),
        ),
      ),
    ),
  );
}

function choosePizza(pizzaId) {
  pizzaSelect.value = pizzaId;
  renderSizes();
  updateItemPrice();
  const size = builder.querySelector('input[name="size"]:checked');
  pizzaSelect.scrollIntoView({ block: 'center', behavior: 'smooth' });
  (size ?? pizzaSelect).focus({ preventScroll: true });
  announce(`${pizzaById(pizzaId).name} chosen. Pick a size and toppings, then add it to your order.`);
}

function renderBuilder() {
  replaceChildren(
    pizzaSelect,
    menu.pizzas.map((pizza) => h('option', { value: pizza.id }, pizza.name)),
  );
  renderSizes();
  replaceChildren(
    $('#toppings'),
    menu.toppings.map((topping) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name: 'topping', value: topping.id, onchange: updateItemPrice }),
        `${topping.name} `,
        h('span', { class: 'price muted' }, `+${money(topping.priceCents)}`),
      ),
    ),
  );
  pizzaSelect.addEventListener('change', () => {
    renderSizes();
    updateItemPrice();
  });
  quantityInput.addEventListener('input', updateItemPrice);
  updateItemPrice();
}

function renderSizes() {
  const pizza = pizzaById(pizzaSelect.value);
  const current = builder.querySelector('input[name="size"]:checked')?.value ?? 'medium';
  replaceChildren(
    $('#sizes'),
    Object.entries(pizza.priceCents).map(([size, cents]) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'size', value: size, checked: size === current, onchange: updateItemPrice }),
        `${SIZE[size]} `,
        h('span', { class: 'price muted' }, money(cents)),
      ),
    ),
  );
}

function builderItem() {
  return {
    pizzaId: pizzaSelect.value,
    size: builder.querySelector('input[name="size"]:checked')?.value ?? 'medium',
    quantity: Number(quantityInput.value),
    toppings: [...builder.querySelectorAll('input[name="topping"]:checked')].map((input) => input.value),
  };
}

function updateItemPrice() {
  const item = builderItem();
  const each = unitPrice(item);
  const valid = Number.isInteger(item.quantity) && item.quantity >= 1;
  $('#item-price').textContent = valid
    ? `${money(each)} each${item.quantity > 1 ? `, ${money(each * item.quantity)} for ${item.quantity}` : ''}`
    : `${money(each)} each`;
}

builder.addEventListener('submit', (event) => {
  event.preventDefault();
  const item = builderItem();
  const quantityError = document.getElementById('quantity-error') ?? createQuantityError();
  if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
    quantityError.textContent = `How many must be a whole number from 1 to ${MAX_QUANTITY}.`;
    quantityInput.setAttribute('aria-invalid', 'true');
    quantityInput.focus();
    return;
  }
  quantityError.textContent = '';
  quantityInput.removeAttribute('aria-invalid');
  cart.push(item);
  saveCart();
  renderCart();
  builder.querySelectorAll('input[name="topping"]:checked').forEach((input) => {
    input.checked = false;
  });
  quantityInput.value = '1';
  updateItemPrice();
  announce(`Added ${item.quantity} ${pizzaById(item.pizzaId).name} to your order.`);
});

function createQuantityError() {
  const error = h('span', { class: 'field-error', id: 'quantity-error' });
  quantityInput.insertAdjacentElement('afterend', error);
  quantityInput.setAttribute('aria-describedby', 'quantity-hint quantity-error');
  return error;
}

function describeItem(item) {
  const pizza = pizzaById(item.pizzaId);
  const toppings = item.toppings.map((id) => toppingById(id)?.name ?? id);
  return `${item.quantity} × ${pizza?.name ?? item.pizzaId} (${SIZE[item.size].toLowerCase()})${toppings.length ? ` + ${toppings.join(', ')}` : ''}`;
}

function renderCart() {
  replaceChildren(
    $('#cart'),
    cart.map((item, index) =>
      h(
        'li',
        { class: 'cart-line', dataset: { index: String(index) } },
        h('span', { id: `line-${index}` }, describeItem(item)),
        h('span', { class: 'price' }, money(unitPrice(item) * item.quantity)),
        h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            'aria-describedby': `line-${index}`,
            onclick: () => removeItem(index),
          },
          'Remove',
        ),
        h('span', { class: 'field-error', id: `line-${index}-error` }),
      ),
    ),
  );
  const empty = cart.length === 0;
  $('#cart-empty').hidden = !empty;
  $('#estimate').hidden = empty;
  $('#estimate-note').hidden = empty;
  $('#estimate-label').textContent = 'Estimated total';
  $('#estimate-total').dataset.source = 'menu';
  $('#estimate-total').textContent = money(cart.reduce((sum, item) => sum + unitPrice(item) * item.quantity, 0));
  $('#estimate-note').textContent = 'Worked out from the menu; the pizzeria is pricing it now.';
  if (!empty) $('#items-error').textContent = '';
  refreshQuote();
}

let quoting;

/** Asks the server to price the basket with its own rules (POST /menu/quote writes nothing). */
async function refreshQuote() {
  quoting?.abort();
  if (cart.length === 0) return;
  const controller = (quoting = new AbortController());
  try {
    const quote = await post(
      '/menu/quote',
      { items: cart.map(({ pizzaId, size, quantity, toppings }) => ({ pizzaId, size, quantity, toppings })) },
      { signal: controller.signal },
    );
    if (controller.signal.aborted) return;
    $('#estimate-label').textContent = 'Total';
    $('#estimate-total').textContent = money(quote.totalCents);
    $('#estimate-total').dataset.source = 'server';
    $('#estimate-note').textContent = 'Priced by the pizzeria from its own menu: this is what you will pay.';
  } catch (error) {
    if (error?.name === 'AbortError') return;
    $('#estimate-note').textContent = 'Worked out from the menu. The pizzeria prices your order itself when you place it.';
  }
}

function removeItem(index) {
  const [removed] = cart.splice(index, 1);
  saveCart();
  renderCart();
  announce(`Removed ${describeItem(removed)}.`);
  const next = $('#cart').querySelectorAll('button')[Math.min(index, cart.length - 1)];
  (next ?? $('#add-item')).focus();
}

function fulfilment() {
  return checkout.querySelector('input[name="fulfilment"]:checked')?.value ?? 'delivery';
}

function syncAddress() {
  $('#address-field').hidden = fulfilment() === 'pickup';
}
checkout.querySelectorAll('input[name="fulfilment"]').forEach((input) => input.addEventListener('change', syncAddress));
syncAddress();

/** Where each path the API names in a 400 is shown. */
function errorFields() {
  const field = (label, input, error) => ({ label, input: $(input), error: $(error) });
  const fields = {
    customer: field('Your details', '#name', '#name-error'),
    'customer.name': field('Name', '#name', '#name-error'),
    'customer.phone': field('Phone', '#phone', '#phone-error'),
    'customer.address': field('Delivery address', '#address', '#address-error'),
    fulfilment: field('Delivery or pickup', '#fulfilment', '#fulfilment-error'),
    notes: field('Notes', '#notes', '#notes-error'),
    items: { label: '', input: null, error: $('#items-error') },
  };
  cart.forEach((item, index) => {
    const line = $(`#cart li[data-index="${index}"]`);
    fields[`items.${index}`] = {
      label: `${pizzaById(item.pizzaId)?.name ?? 'Pizza'} (line ${index + 1})`,
      input: line.querySelector('button'),
      error: $(`#line-${index}-error`),
    };
  });
  return fields;
}

checkout.addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = errorFields();
  clearFieldErrors(fields);
  const summary = $('#error-summary');
  clearError(summary);

  const name = $('#name').value.trim();
  const phone = $('#phone').value.trim();
  const address = $('#address').value.trim();
  const notes = $('#notes').value.trim();
  const body = {
    customer: { name, phone, ...(fulfilment() === 'delivery' && address ? { address } : {}) },
    items: cart.map(({ pizzaId, size, quantity, toppings }) => ({ pizzaId, size, quantity, ...(toppings.length ? { toppings } : {}) })),
    fulfilment: fulfilment(),
    ...(notes ? { notes } : {}),
  };

  // The API accepts a delivery without an address; a driver could not, so the page asks for one.
  const local = [];
  if (fulfilment() === 'delivery' && !address) local.push('customer.address is needed for a delivery: enter where to bring it, or choose pickup');
  if (cart.length === 0) local.push('items: add at least one pizza to your order');
  if (local.length) {
    const { placed, unplaced } = placeFieldErrors(local, fields);
    showErrorSummary(summary, placed, unplaced);
    return;
  }

  const button = $('#place-order');
  const json = JSON.stringify(body);
  if (lastAttempt.body !== json) lastAttempt = { body: json, key: newIdempotencyKey() };
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Placing your order…';
  try {
    const placed = await post('/orders', body, { idempotencyKey: lastAttempt.key });
    cart = [];
    saveCart();
    location.assign(`/track/${encodeURIComponent(placed.orderId)}?position=${placed.position}`);
  } catch (problem) {
    if (!(problem instanceof ApiProblem)) throw problem;
    if (problem.status === 400) {
      const { placed, unplaced } = placeFieldErrors(problem.messages, fields);
      showErrorSummary(summary, placed, unplaced);
    } else {
      showError(summary, problem);
      summary.setAttribute('tabindex', '-1');
      summary.focus();
    }
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = 'Place order';
  }
});

start();
