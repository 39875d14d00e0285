import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { STAFF_TOKEN } from '../support/test-app.js';
import { WatchedPage, launchBrowser, screenshot, unlabelledControls } from './support/browser.js';
import { see } from './support/see.js';
import { placeOrderViaApi, staffCommand, startWebApp, type WebApp } from './support/web-app.js';

jest.setTimeout(120_000);

const card = (page: Page, orderId: string) => page.locator(`#card-${orderId} article`);
const cardIn = (page: Page, status: string, orderId: string) => page.locator(`#column-${status} #card-${orderId}`);

async function signInToKitchen(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/kitchen`);
  await page.getByLabel('Staff token').fill(STAFF_TOKEN);
  await page.getByRole('button', { name: 'Open the kitchen board' }).click();
  await page.locator('#board-loading').waitFor({ state: 'hidden' });
  await page.locator('#live[data-state="live"]').waitFor();
}

describe('ordering, the kitchen board and live tracking (browser)', () => {
  let web: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('a customer orders, staff walk it to delivered on the board, and the tracking page shows each step without a reload', async () => {
    const customer = await WatchedPage.open(browser);
    const staff = await WatchedPage.open(browser);
    const page = customer.page;

    await page.goto(`${web.baseUrl}/`);
    await see.count(page.locator('#menu-list > li'), 7);
    await see.containsText(page.locator('#menu-list'), 'Pepperoni');
    await see.containsText(page.locator('#menu-list'), '€17.50');
    expect(await unlabelledControls(page)).toEqual([]);

    await page.getByRole('button', { name: 'Choose Pepperoni' }).click();
    await page.getByLabel(/^Large/).check();
    await page.getByLabel(/^Extra cheese/).check();
    await page.getByLabel(/^Olives/).check();
    await page.getByLabel('How many').fill('2');
    await see.text(page.locator('#item-price'), '€20.00 each, €40.00 for 2');
    await page.getByRole('button', { name: 'Add to order' }).click();
    await see.containsText(page.locator('#cart'), '2 × Pepperoni (large) + Extra cheese, Olives');
    // The server prices the basket before anything is placed.
    await page.locator('#estimate-total[data-source="server"]').waitFor();
    await see.text(page.locator('#estimate-label'), 'Total');
    await see.text(page.locator('#estimate-total'), '€40.00');
    await screenshot(page, 'menu', { docs: 'menu' });

    // The API validates the details; its messages land beside their fields.
    await page.getByLabel('Delivery address').fill('1 Analytical Street, London');
    await page.getByLabel('Phone').fill('call me');
    await page.getByRole('button', { name: 'Place order' }).click();
    await see.text(page.locator('#name-error'), 'Name should not be empty');
    await see.containsText(page.locator('#phone-error'), 'Phone must be a phone number');
    await see.attribute(page.locator('#name'), 'aria-invalid', 'true');
    await see.containsText(page.locator('#error-summary'), 'There are 2 problems');
    await screenshot(page, 'menu-validation');

    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Phone').fill('+44 20 7946 0000');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/track\/[0-9a-f-]{36}\?position=\d+$/);
    const orderId = new URL(page.url()).pathname.split('/')[2];
    await see.text(page.locator('#status'), 'Waiting for the pizzeria to confirm');
    await see.text(page.locator('#total'), '€40.00');
    await see.containsText(page.locator('#items'), '2 × Pepperoni (large) + Extra cheese, Olives');
    await see.count(page.locator('#timeline li'), 1);
    await see.attribute(page.locator('#live'), 'data-state', 'live');
    // Any reload would lose this marker.
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const board = staff.page;
    await signInToKitchen(board, web.baseUrl);
    await see.containsText(cardIn(board, 'PENDING', orderId), 'Ada');
    expect(await unlabelledControls(board)).toEqual([]);
    await screenshot(board, 'kitchen-first-order');

    const steps: Array<{ click: () => Promise<void>; column: string; customerSees: string; timeline: number }> = [
      {
        click: () => card(board, orderId).getByRole('button', { name: 'Confirm' }).click(),
        column: 'CONFIRMED',
        customerSees: 'Confirmed',
        timeline: 2,
      },
      {
        click: () => card(board, orderId).getByRole('button', { name: 'Paid by card' }).click(),
        column: 'COOKING',
        customerSees: 'In the oven',
        timeline: 3,
      },
      {
        click: () => card(board, orderId).getByRole('button', { name: 'Ready' }).click(),
        column: 'READY',
        customerSees: 'Ready',
        timeline: 4,
      },
      {
        click: async () => {
          await card(board, orderId).getByRole('button', { name: 'Dispatch…' }).click();
          await board.getByLabel(/^Courier/).fill('Luigi');
          await board.locator('#dispatch-submit').click();
        },
        column: 'OUT_FOR_DELIVERY',
        customerSees: 'Out for delivery',
        timeline: 5,
      },
      {
        click: () => card(board, orderId).getByRole('button', { name: 'Delivered' }).click(),
        column: 'DELIVERED',
        customerSees: 'Delivered',
        timeline: 6,
      },
    ];
    for (const step of steps) {
      await step.click();
      await cardIn(board, step.column, orderId).waitFor();
      await see.text(page.locator('#status'), step.customerSees);
      await see.count(page.locator('#timeline li'), step.timeline);
      if (step.column === 'COOKING') await see.containsText(page.locator('#totals'), 'Paid');
      if (step.column === 'OUT_FOR_DELIVERY') await see.text(page.locator('#status-detail'), 'Luigi is bringing it to you.');
    }
    await see.texts(page.locator('#timeline li'), [
      /Order placed by Ada: 2 × Pepperoni \(large\)/,
      /Confirmed by staff/,
      /Paid 40\.00 by card; the kitchen started cooking/,
      /Ready/,
      /Out for delivery with Luigi/,
      /Delivered/,
    ]);
    await see.text(page.locator('#steps li[aria-current="step"]'), 'Delivered');
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, 'tracking', { docs: 'tracking' });

    // Any order's full timeline, from the board.
    await card(board, orderId).getByRole('button', { name: 'Timeline' }).click();
    await see.count(board.locator('#details-timeline li'), 6);
    await see.containsText(board.locator('#details-timeline'), 'OrderDelivered');
    await screenshot(board, 'kitchen-timeline', { fullPage: false });
    await board.keyboard.press('Escape');
    await see.hidden(board.locator('#details-dialog'));

    customer.expectNoErrors([400]);
    staff.expectNoErrors();
    await Promise.all([customer.close(), staff.close()]);
  });

  it('orders placed by anyone appear on the board live, and a 409 is explained in words on the card', async () => {
    const staff = await WatchedPage.open(browser);
    const board = staff.page;
    await signInToKitchen(board, web.baseUrl);

    const { orderId } = await placeOrderViaApi(web.t, { name: 'Grace' });
    await cardIn(board, 'PENDING', orderId).waitFor();
    await see.containsText(board.locator('.toast'), 'New order from Grace');

    // A busy evening: orders from everyone, at every stage, all arriving on the board by themselves.
    const walk = async (name: string, pizzaId: string, steps: Array<[string, object?]>, fulfilment: 'delivery' | 'pickup' = 'delivery') => {
      const placed = await placeOrderViaApi(web.t, { name, pizzaId, fulfilment, quantity: 2 });
      for (const [command, body] of steps) await staffCommand(web.t, placed.orderId, command, body);
      return placed.orderId;
    };
    const others = await Promise.all([
      walk('Linus', 'diavola', [['confirm'], ['pay', { method: 'card' }]]),
      walk('Barbara', 'funghi', [['confirm'], ['start-cooking'], ['ready']], 'pickup'),
      walk('Margaret', 'vegetariana', [['confirm', { kitchenNotes: 'No onions' }]]),
      walk('Alan', 'hawaiian', [['confirm'], ['pay', { method: 'cash' }], ['ready'], ['dispatch', { courier: 'Luigi' }]]),
      walk('Edsger', 'quattro-formaggi', []),
    ]);
    const expectedColumns = ['COOKING', 'READY', 'CONFIRMED', 'OUT_FOR_DELIVERY', 'PENDING'];
    for (const [i, id] of others.entries()) await cardIn(board, expectedColumns[i], id).waitFor();
    await see.containsText(card(board, others[2]), 'Kitchen: No onions');
    await screenshot(board, 'kitchen', { docs: 'kitchen' });

    // The order's details: a wrong discount code is explained beside the field, a good one applies once.
    await card(board, others[2]).getByRole('button', { name: 'Timeline' }).click();
    await see.count(board.locator('#details-timeline li'), 2);
    await board.getByLabel('Discount code').fill('FREEPIZZA');
    await board.getByRole('button', { name: 'Apply discount' }).click();
    await see.text(board.locator('#discount-code-error'), 'There is no discount code FREEPIZZA');
    await board.getByLabel('Discount code').fill('welcome10');
    await board.getByRole('button', { name: 'Apply discount' }).click();
    await see.count(board.locator('#details-timeline li'), 3);
    await see.containsText(board.locator('#details-body'), 'WELCOME10');
    await see.hidden(board.locator('#discount-form'));
    await board.getByRole('button', { name: 'Close' }).first().click();
    await see.hidden(board.locator('#details-dialog'));

    // Cash on delivery: cooking starts before payment; a pickup order is handed over at the counter.
    await card(board, others[2]).getByRole('button', { name: 'Start cooking, pay later' }).click();
    await cardIn(board, 'COOKING', others[2]).waitFor();
    await card(board, others[1]).getByRole('button', { name: 'Handed over' }).click();
    await cardIn(board, 'PICKED_UP', others[1]).waitFor();

    // Another member of staff confirms it just before this board's click reaches the server.
    await board.route(`**/orders/${orderId}/confirm`, async (route) => {
      await staffCommand(web.t, orderId, 'confirm');
      await route.continue();
    });
    await card(board, orderId).getByRole('button', { name: 'Confirm' }).click();
    const explained = board.locator(`#card-${orderId} [role="alert"]`);
    await see.containsText(explained, 'Someone got there first: this order is no longer waiting for confirmation.');
    await see.containsText(explained, 'this order is CONFIRMED');
    await cardIn(board, 'CONFIRMED', orderId).waitFor();
    await screenshot(board, 'kitchen-conflict');

    // Cancelling needs a reason: the API's message appears beside the field.
    await card(board, orderId).getByRole('button', { name: 'Cancel…' }).click();
    await board.locator('#cancel-submit').click();
    await see.text(board.locator('#cancel-reason-error'), 'Reason should not be empty');
    await board.getByLabel(/^Reason/).fill('Out of dough');
    await board.locator('#cancel-submit').click();
    await cardIn(board, 'CANCELLED', orderId).waitFor();
    await see.containsText(card(board, orderId), 'Reason: Out of dough');

    staff.expectNoErrors([400, 409]);
    await staff.close();
  });

  it('a customer can cancel while the order is pending, and is told in words once it is too late', async () => {
    const customer = await WatchedPage.open(browser);
    const page = customer.page;
    const { orderId, position } = await placeOrderViaApi(web.t, { name: 'Linus', fulfilment: 'pickup' });
    await page.goto(`${web.baseUrl}/track/${orderId}?position=${position}`);
    await see.text(page.locator('#status'), 'Waiting for the pizzeria to confirm');
    await see.containsText(page.locator('#fulfilment'), 'For pickup');
    await see.texts(page.locator('#steps li'), ['Placed', 'Confirmed', 'In the oven', 'Ready', 'Picked up']);

    await page.getByRole('button', { name: 'Cancel my order' }).click();
    await see.text(page.locator('#cancel-reason-error'), 'Reason should not be empty');

    // The pizzeria confirms before the customer's cancel arrives.
    await page.route(`**/orders/${orderId}/cancel`, async (route) => {
      await staffCommand(web.t, orderId, 'confirm');
      await route.continue();
    });
    await page.getByLabel('Why are you cancelling?').fill('Changed my mind');
    await page.getByRole('button', { name: 'Cancel my order' }).click();
    await see.text(page.locator('#status'), 'Confirmed');
    await see.hidden(page.locator('#cancel-area'));
    await see.text(
      page.locator('#cancel-error'),
      'The pizzeria has already confirmed your order, so only they can cancel it now. Please call us. (Once an order is confirmed only staff can cancel it)',
    );

    customer.expectNoErrors([400, 403]);
    await customer.close();
  });
});
