import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { STAFF_TOKEN } from '../support/test-app.js';
import { WatchedPage, launchBrowser, screenshot, unlabelledControls } from './support/browser.js';
import { see } from './support/see.js';
import { placeOrderViaApi, staffCommand, startWebApp, type WebApp } from './support/web-app.js';

jest.setTimeout(120_000);

const euros = (cents: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);

describe('the staff dashboard (browser)', () => {
  let web: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
    const paid = await placeOrderViaApi(web.t, { name: 'Ada', pizzaId: 'pepperoni', quantity: 2 });
    await staffCommand(web.t, paid.orderId, 'confirm');
    await staffCommand(web.t, paid.orderId, 'pay', { method: 'card' });
    const confirmed = await placeOrderViaApi(web.t, { name: 'Grace', pizzaId: 'margherita', size: 'large' });
    await staffCommand(web.t, confirmed.orderId, 'confirm');
    const cancelled = await placeOrderViaApi(web.t, { name: 'Linus', pizzaId: 'diavola', quantity: 3 });
    await staffCommand(web.t, cancelled.orderId, 'cancel', { reason: 'Customer called to cancel' });
    await placeOrderViaApi(web.t, { name: 'Barbara', pizzaId: 'funghi', fulfilment: 'pickup' });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('asks for the staff token once, explains a wrong one, then draws the charts and projection health, and updates live', async () => {
    const staff = await WatchedPage.open(browser);
    const page = staff.page;
    await page.goto(`${web.baseUrl}/dashboard`);

    await page.getByLabel('Staff token').fill('not-the-staff-token');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await see.text(page.locator('#staff-token-error'), 'That token was not accepted. Check it and try again.');
    await see.attribute(page.locator('#staff-token'), 'aria-invalid', 'true');

    await page.getByLabel('Staff token').fill(STAFF_TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await see.hidden(page.locator('#dashboard-loading'));

    const summary = (await web.t.http().get('/analytics/summary').set(web.t.staff)).body;
    expect(summary.totalOrders).toBe(4);
    await see.texts(page.locator('#kpis .kpi'), [
      'Orders 4',
      `Confirmed ${summary.confirmedOrders}`,
      `Cancelled ${summary.cancelledOrders}`,
      /^Confirmation rate \d+(\.\d)?%$/,
      `Revenue ${euros(summary.revenueCents)}`,
      `Average order ${euros(summary.averageOrderValueCents)}`,
    ]);

    // Orders and revenue per day: a bar for each of the last 30 days, today's holding today's figures.
    await see.count(page.locator('#orders-chart svg rect.bar'), 30);
    await see.count(page.locator('#revenue-chart svg rect.bar'), 30);
    const today = summary.daily[summary.daily.length - 1];
    expect(await page.locator('#orders-chart rect.bar').last().getAttribute('data-value')).toBe(String(today.orders));
    expect(await page.locator('#revenue-chart rect.bar').last().getAttribute('data-value')).toBe(String(today.revenueCents));
    await see.count(page.locator('#popular-chart svg rect.bar'), summary.popularItems.length);
    await see.containsText(page.locator('#popular-chart svg'), summary.popularItems[0].name);
    await see.text(
      page.locator('#rate-chart .ring-text'),
      new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(summary.confirmationRate),
    );
    expect(await page.locator('#orders-chart svg').getAttribute('role')).toBe('img');
    await see.containsText(page.locator('#orders-chart svg desc'), '4 in total');

    const projections = (await web.t.http().get('/admin/projections').set(web.t.staff)).body as Array<{ name: string }>;
    await see.count(page.locator('#health tr'), projections.length);
    for (const { name } of projections) await see.containsText(page.locator(`#health tr[data-projection="${name}"]`), name);
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, 'dashboard', { docs: 'dashboard' });

    // A new order anywhere shows up without a reload.
    await placeOrderViaApi(web.t, { name: 'Margaret', pizzaId: 'hawaiian' });
    await see.text(page.locator('#kpis .kpi').first(), 'Orders 5');
    await see.containsText(page.locator('#popular-chart svg'), 'Hawaiian');

    // The token is kept for the browser session: the kitchen board opens without asking again.
    await page.getByRole('link', { name: 'Kitchen' }).click();
    await see.hidden(page.locator('#board-loading'));
    expect(await page.locator('#token-gate').isHidden()).toBe(true);

    staff.expectNoErrors([403]);
    await staff.close();
  });
});
