import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { STAFF_TOKEN } from '../support/test-app.js';
import { PHONE, WatchedPage, fitsWidth, launchBrowser, screenshot, tabTo } from './support/browser.js';
import { see } from './support/see.js';
import { placeOrderViaApi, staffCommand, startWebApp, type WebApp } from './support/web-app.js';

jest.setTimeout(120_000);

describe('phone width and keyboard use (browser)', () => {
  let web: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('fits every page into a 375px wide screen without sideways scrolling', async () => {
    const { orderId, position } = await placeOrderViaApi(web.t, { name: 'Ada', pizzaId: 'quattro-formaggi', quantity: 3 });
    await staffCommand(web.t, orderId, 'confirm');
    const phone = await WatchedPage.open(browser, { viewport: PHONE });
    const page = phone.page;

    await page.goto(`${web.baseUrl}/`);
    await see.count(page.locator('#menu-list > li'), 7);
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await screenshot(page, 'menu-phone', { fullPage: false });

    await page.goto(`${web.baseUrl}/track/${orderId}?position=${position}`);
    await see.text(page.locator('#status'), 'Confirmed');
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await screenshot(page, 'tracking-phone');

    await page.goto(`${web.baseUrl}/kitchen`);
    await page.getByLabel('Staff token').fill(STAFF_TOKEN);
    await page.getByRole('button', { name: 'Open the kitchen board' }).click();
    await page.locator(`#column-CONFIRMED #card-${orderId}`).waitFor();
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await screenshot(page, 'kitchen-phone');

    await page.goto(`${web.baseUrl}/dashboard`);
    await see.count(page.locator('#orders-chart svg rect.bar'), 30);
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await screenshot(page, 'dashboard-phone');

    phone.expectNoErrors();
    await phone.close();
  });

  it('places an order with the keyboard alone, with a visible focus ring on the way', async () => {
    const customer = await WatchedPage.open(browser);
    const page = customer.page;
    await page.goto(`${web.baseUrl}/`);
    await see.count(page.locator('#menu-list > li'), 7);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');

    await tabTo(page, (el) => el.text === 'Choose Margherita');
    await page.keyboard.press('Enter');
    // Choosing a pizza takes the focus to its size.
    await page.locator('#builder input[name="size"]:focus').waitFor();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#builder input[name="size"]:checked').getAttribute('value')).toBe('large');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.locator('#builder input[name="topping"]:checked').getAttribute('value')).toBe('extra-cheese');
    await tabTo(page, (el) => el.id === 'add-item');
    await page.keyboard.press('Enter');
    await see.containsText(page.locator('#cart'), '1 × Margherita (large) + Extra cheese');

    await tabTo(page, (el) => el.id === 'name');
    await page.keyboard.type('Grace');
    await tabTo(page, (el) => el.id === 'phone');
    await page.keyboard.type('+34 600 444 555');
    await tabTo(page, (el) => el.id === 'address');
    await page.keyboard.type('Calle Sol 3, Madrid');
    await tabTo(page, (el) => el.id === 'place-order');
    const outline = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as any;
      return getComputedStyle(document.activeElement).outlineStyle;
    });
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/track\//);
    await see.text(page.locator('#status'), 'Waiting for the pizzeria to confirm');
    await see.containsText(page.locator('#items'), '1 × Margherita (large) + Extra cheese');
    await see.text(page.locator('#total'), '€16.50');

    customer.expectNoErrors();
    await customer.close();
  });
});
