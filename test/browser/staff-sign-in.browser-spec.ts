import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { hire, type StaffMember } from '../support/staff-helpers.js';
import { WatchedPage, launchBrowser, screenshot, unlabelledControls } from './support/browser.js';
import { see } from './support/see.js';
import { placeOrderViaApi, staffCommand, startWebApp, type WebApp } from './support/web-app.js';

jest.setTimeout(120_000);

const card = (page: Page, orderId: string) => page.locator(`#card-${orderId} article`);
const cardIn = (page: Page, status: string, orderId: string) => page.locator(`#column-${status} #card-${orderId}`);
/** The labels of the step buttons on an order's card, without its Timeline button. */
const stepsOn = (page: Page, orderId: string) => card(page, orderId).locator('.button-row button:not([data-action="details"])');

async function signInWithPassword(page: Page, url: string, member: StaffMember): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Login').fill(member.login);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await see.text(page.locator('#signed-in-as'), `${member.name} · ${member.role}`);
}

async function openBoard(page: Page, baseUrl: string, member: StaffMember): Promise<void> {
  await signInWithPassword(page, `${baseUrl}/kitchen`, member);
  await see.hidden(page.locator('#board-loading'));
  await page.locator('#live[data-state="live"]').waitFor();
}

describe('staff sign in with their own accounts and see what their role may do (browser)', () => {
  let web: WebApp;
  let browser: Browser;
  let maria: StaffMember;
  let luca: StaffMember;
  let sam: StaffMember;
  let ines: StaffMember;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
    maria = await hire(web.t, 'Maria', 'counter');
    luca = await hire(web.t, 'Luca', 'kitchen');
    sam = await hire(web.t, 'Sam', 'driver');
    ines = await hire(web.t, 'Ines', 'manager');
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('three members of staff move one order on, each seeing only their own buttons, and the timeline names all three', async () => {
    const counter = await WatchedPage.open(browser);
    const kitchen = await WatchedPage.open(browser);
    const driver = await WatchedPage.open(browser);
    const { orderId } = await placeOrderViaApi(web.t, { name: 'Grace' });

    await openBoard(counter.page, web.baseUrl, maria);
    await openBoard(kitchen.page, web.baseUrl, luca);
    await openBoard(driver.page, web.baseUrl, sam);
    expect(await unlabelledControls(counter.page)).toEqual([]);

    // PENDING: the counter confirms or cancels; the kitchen and the driver have nothing to press.
    await see.texts(stepsOn(counter.page, orderId), ['Confirm', 'Cancel…']);
    await see.visible(cardIn(kitchen.page, 'PENDING', orderId));
    await see.count(stepsOn(kitchen.page, orderId), 0);
    await see.visible(cardIn(driver.page, 'PENDING', orderId));
    await see.count(stepsOn(driver.page, orderId), 0);

    await card(counter.page, orderId).getByRole('button', { name: 'Confirm' }).click();
    await see.visible(cardIn(counter.page, 'CONFIRMED', orderId));
    // The counter takes the payment but does not cook; the kitchen cooks and does not take payment.
    await see.texts(stepsOn(counter.page, orderId), ['Paid by card', 'Paid by cash', 'Cancel…']);
    await see.visible(cardIn(kitchen.page, 'CONFIRMED', orderId));
    await see.texts(stepsOn(kitchen.page, orderId), ['Start cooking']);
    await see.count(stepsOn(driver.page, orderId), 0);

    await card(kitchen.page, orderId).getByRole('button', { name: 'Start cooking' }).click();
    await see.visible(cardIn(kitchen.page, 'COOKING', orderId));
    await see.texts(stepsOn(kitchen.page, orderId), ['Ready']);
    await card(kitchen.page, orderId).getByRole('button', { name: 'Ready' }).click();
    await see.visible(cardIn(kitchen.page, 'READY', orderId));
    await see.count(stepsOn(kitchen.page, orderId), 0);

    // READY for delivery: the driver's turn; the counter can still take the money.
    await see.visible(cardIn(driver.page, 'READY', orderId));
    await see.texts(stepsOn(driver.page, orderId), ['Dispatch…']);
    await see.texts(stepsOn(counter.page, orderId), ['Paid by card', 'Paid by cash']);
    await card(driver.page, orderId).getByRole('button', { name: 'Dispatch…' }).click();
    await driver.page.getByLabel('Courier').fill('Sam on the scooter');
    await driver.page.locator('#dispatch-submit').click();
    await see.visible(cardIn(driver.page, 'OUT_FOR_DELIVERY', orderId));
    await see.texts(stepsOn(driver.page, orderId), ['Delivered']);

    // The timeline, as the counter opens it, names each of them on what they did.
    await card(counter.page, orderId).getByRole('button', { name: 'Timeline' }).click();
    const timeline = counter.page.locator('#details-timeline li');
    await see.count(timeline, 5);
    await see.containsText(timeline.nth(1), 'Confirmed by Maria (counter)');
    await see.containsText(timeline.nth(1), 'by Maria (counter)');
    await see.containsText(timeline.nth(2), 'by Luca (kitchen)');
    await see.containsText(timeline.nth(3), 'by Luca (kitchen)');
    await see.containsText(timeline.nth(4), 'Out for delivery with Sam on the scooter — Sam (driver)');
    // The counter may discount an unpaid order: the form is there for her.
    await see.visible(counter.page.locator('#discount-form'));
    await screenshot(counter.page, 'staff-timeline-three-people');

    const api = await web.t.http().get(`/orders/${orderId}/timeline`);
    expect(api.body.map((entry: { staff: { name: string } | null }) => entry.staff?.name ?? null)).toEqual([
      null,
      'Maria',
      'Luca',
      'Luca',
      'Sam',
    ]);

    for (const page of [counter, kitchen, driver]) {
      page.expectNoErrors();
      await page.close();
    }
  });

  it('explains a wrong password without saying whether the login exists, and keeps nothing typed in the password field', async () => {
    const staff = await WatchedPage.open(browser);
    const page = staff.page;
    await page.goto(`${web.baseUrl}/kitchen`);
    await see.visible(page.locator('#token-gate'));
    await expect(page.locator('#login').evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);

    for (const login of [maria.login, 'nobody-works-here']) {
      await page.getByLabel('Login').fill(login);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await see.text(page.locator('#sign-in-error'), 'The login or the password is wrong.');
      await see.attribute(page.locator('#password'), 'aria-invalid', 'true');
      expect(await page.locator('#password').inputValue()).toBe('');
      expect(await page.locator('#staff-app').isHidden()).toBe(true);
      // The next attempt starts from a clean message, so the same text again is a new answer.
      await page.locator('#sign-in-error').evaluate((el) => (el.textContent = ''));
    }
    staff.expectNoErrors([401]);
    await staff.close();
  });

  it('stays signed in across a reload, and signing out ends the session on the server', async () => {
    const staff = await WatchedPage.open(browser);
    const page = staff.page;
    await openBoard(page, web.baseUrl, maria);
    const [cookie] = (await staff.context.cookies()).filter((c) => c.name === 'pizzeria_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Out of reach of the page's scripts.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain(
      'pizzeria_session',
    );

    await page.reload();
    await see.text(page.locator('#signed-in-as'), 'Maria · counter');
    await see.hidden(page.locator('#board-loading'));
    expect(await page.locator('#token-gate').isHidden()).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await see.visible(page.locator('#token-gate'));
    expect(await page.locator('#staff-app').isHidden()).toBe(true);
    const after = await web.t.http().get('/auth/session').set('Cookie', `pizzeria_session=${cookie.value}`);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_INVALID');

    // Another visit asks for a sign-in, with no complaint: nobody is signed in.
    await page.reload();
    await see.visible(page.locator('#token-gate'));
    await see.text(page.locator('#sign-in-error'), '');
    staff.expectNoErrors();
    await staff.close();
  });

  it('a wall screen signs in with a personal API token, updates live, and stops at once when its account is disabled', async () => {
    const wall = await WatchedPage.open(browser);
    const page = wall.page;
    const token = luca.auth.Authorization.replace('Bearer ', '');
    await page.goto(`${web.baseUrl}/kitchen`);
    await page.getByLabel('Staff token').fill(token);
    await page.getByRole('button', { name: 'Open the kitchen board' }).click();
    await see.text(page.locator('#signed-in-as'), 'Luca · kitchen');
    await page.locator('#live[data-state="live"]').waitFor();

    const { orderId } = await placeOrderViaApi(web.t, { name: 'Hedy' });
    await staffCommand(web.t, orderId, 'confirm');
    await see.visible(cardIn(page, 'CONFIRMED', orderId));
    await see.texts(stepsOn(page, orderId), ['Start cooking']);

    const account = await web.t.http().get(`/admin/staff/${luca.id}`).set(web.t.staff);
    const disabled = await web.t
      .http()
      .patch(`/admin/staff/${luca.id}`)
      .set(web.t.staff)
      .set('If-Match', `"${account.body.version}"`)
      .send({ enabled: false });
    expect(disabled.status).toBe(200);

    await card(page, orderId).getByRole('button', { name: 'Start cooking' }).click();
    await see.visible(page.locator('#token-gate'));
    await see.text(page.locator('#staff-token-error'), 'The staff token is no longer accepted: enter it again.');
    const order = await web.t.http().get(`/orders/${orderId}`);
    expect(order.body.status).toBe('CONFIRMED');
    wall.expectNoErrors([403]);
    await wall.close();
  });

  it('the dashboard shows its figures to a manager, and tells the counter they are the manager’s', async () => {
    const counter = await WatchedPage.open(browser);
    await signInWithPassword(counter.page, `${web.baseUrl}/dashboard`, maria);
    await see.text(
      counter.page.locator('#role-note'),
      'The sales figures and the projection health are for the manager role; you are signed in as counter.',
    );
    await see.hidden(counter.page.locator('#dashboard-loading'));
    expect(await counter.page.locator('#kpis').isHidden()).toBe(true);
    expect(await counter.page.locator('#health-section').isHidden()).toBe(true);
    counter.expectNoErrors();
    await counter.close();

    const manager = await WatchedPage.open(browser);
    await signInWithPassword(manager.page, `${web.baseUrl}/dashboard`, ines);
    await see.hidden(manager.page.locator('#dashboard-loading'));
    await see.count(manager.page.locator('#kpis .kpi'), 6);
    await see.visible(manager.page.locator('#health tr[data-projection="order-details"]'));
    expect(await manager.page.locator('#role-note').isHidden()).toBe(true);
    manager.expectNoErrors();
    await manager.close();
  });
});
