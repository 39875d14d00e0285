import { jest } from '@jest/globals';
import type { IncomingMessage, Server } from 'node:http';
import type { Browser, Page, Route } from 'playwright-core';
import { LiveEventsService } from '../../src/live/live-events.service.js';
import { STAFF_TOKEN } from '../support/test-app.js';
import { WatchedPage, launchBrowser, screenshot } from './support/browser.js';
import { see } from './support/see.js';
import { placeOrderViaApi, staffCommand, startWebApp, type WebApp } from './support/web-app.js';

jest.setTimeout(120_000);

/** Records, in the page, the id of every message any EventSource delivers. */
async function recordStreamIds(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as any).__streamIds = seen;
    const Original = (globalThis as any).EventSource;
    (globalThis as any).EventSource = class extends Original {
      constructor(url: string, init?: unknown) {
        super(url, init);
        this.addEventListener('message', (message: { lastEventId: string }) => seen.push(message.lastEventId));
      }
    };
  });
}

const streamIds = (page: Page) => page.evaluate(() => (globalThis as any).__streamIds.map(Number) as number[]);

/** Holds the browser's reconnections to the stream until released, so writes can happen while it is away. */
async function holdReconnects(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/events/stream**', async (route: Route) => {
    await released;
    await route.continue();
  });
  return { release };
}

/** The Last-Event-ID of every stream request, as the server received it (interception does not show it). */
function watchResumePoints(web: WebApp): Map<string, Array<string | undefined>> {
  const seen = new Map<string, Array<string | undefined>>();
  (web.t.app.getHttpServer() as Server).on('request', (req: IncomingMessage) => {
    if (!req.url?.startsWith('/events/stream')) return;
    const key = new URL(req.url, 'http://x').searchParams.get('orderId') ?? 'staff';
    seen.set(key, [...(seen.get(key) ?? []), req.headers['last-event-id'] as string | undefined]);
  });
  return seen;
}

describe('live updates survive a dropped connection (browser)', () => {
  let web: WebApp;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('the tracking page and the kitchen board reconnect with Last-Event-ID and get every event once', async () => {
    const resumePoints = watchResumePoints(web);
    const { orderId, position } = await placeOrderViaApi(web.t, { name: 'Ada' });
    const customer = await WatchedPage.open(browser);
    const staff = await WatchedPage.open(browser);
    await recordStreamIds(customer.page);
    await customer.page.goto(`${web.baseUrl}/track/${orderId}?position=${position}`);
    await see.attribute(customer.page.locator('#live'), 'data-state', 'live');

    await staff.page.goto(`${web.baseUrl}/kitchen`);
    await staff.page.getByLabel('Staff token').fill(STAFF_TOKEN);
    await staff.page.getByRole('button', { name: 'Open the kitchen board' }).click();
    await staff.page.locator(`#column-PENDING #card-${orderId}`).waitFor();

    const confirmed = await staffCommand(web.t, orderId, 'confirm');
    await see.text(customer.page.locator('#status'), 'Confirmed');
    expect(await streamIds(customer.page)).toEqual([confirmed.position]);

    // The server drops every connection (a deploy, a network blip); writes go on while the browsers are away.
    const customerHold = await holdReconnects(customer.page);
    const staffHold = await holdReconnects(staff.page);
    web.t.app.get(LiveEventsService).disconnectAll();
    await see.attribute(customer.page.locator('#live'), 'data-state', 'reconnecting');
    await see.attribute(staff.page.locator('#live'), 'data-state', 'reconnecting');
    const paid = await staffCommand(web.t, orderId, 'pay', { method: 'card' });
    const ready = await staffCommand(web.t, orderId, 'ready');
    const newcomer = await placeOrderViaApi(web.t, { name: 'Grace' });
    await screenshot(customer.page, 'tracking-reconnecting', { fullPage: false });

    customerHold.release();
    staffHold.release();
    await see.text(customer.page.locator('#status'), 'Ready');
    await see.attribute(customer.page.locator('#live'), 'data-state', 'live');
    await see.count(customer.page.locator('#timeline li'), 4);
    await staff.page.locator(`#column-PENDING #card-${newcomer.orderId}`).waitFor();
    await staff.page.locator(`#column-READY #card-${orderId}`).waitFor();

    const dispatched = await staffCommand(web.t, orderId, 'dispatch');
    await see.text(customer.page.locator('#status'), 'Out for delivery');
    // First connection: from the timeline's last position (query); the reconnection: the browser's own Last-Event-ID.
    expect(resumePoints.get(orderId)).toEqual([undefined, String(confirmed.position)]);
    expect(resumePoints.get('staff')).toEqual([undefined, String(confirmed.position)]);
    expect(await streamIds(customer.page)).toEqual([confirmed.position, paid.position, ready.position, dispatched.position]);

    customer.expectNoErrors();
    staff.expectNoErrors();
    await Promise.all([customer.close(), staff.close()]);
  });
});
