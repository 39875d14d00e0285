import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SCREENSHOTS = resolve(ROOT, 'test/screenshots');
const DOCS_SCREENSHOTS = resolve(ROOT, 'docs/screenshots');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with everything that would phone home turned off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

/**
 * A page that records every console error and uncaught exception. The only
 * ones a test may allow are the browser's own "Failed to load resource" lines
 * for API errors the test provokes on purpose, by status.
 */
export class WatchedPage {
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
  }

  static async open(browser: Browser, options: { viewport?: { width: number; height: number } } = {}): Promise<WatchedPage> {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      locale: 'en-GB',
      timezoneId: 'UTC',
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return new WatchedPage(context, page);
  }

  /** Fails on any error except "Failed to load resource" for the given statuses (provoked on purpose). */
  expectNoErrors(allowedStatuses: number[] = []): void {
    const unexpected = this.errors.filter(
      (text) =>
        !allowedStatuses.some((status) => text.includes(`Failed to load resource: the server responded with a status of ${status}`)),
    );
    expect(unexpected).toEqual([]);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Saves a screenshot under test/screenshots (git-ignored). With `docs`, the
 * same image becomes the README's picture in docs/screenshots, when it is
 * missing there or when UPDATE_DOCS_SCREENSHOTS=1, so ordinary runs do not
 * churn committed files.
 */
export async function screenshot(page: Page, name: string, options: { docs?: string; fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = resolve(SCREENSHOTS, `${name}.png`);
  const fullPage = options.fullPage ?? true;
  // From the top, so sticky parts sit where a reader would see them.
  if (fullPage) await page.evaluate(() => (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage });
  if (options.docs) {
    const target = resolve(DOCS_SCREENSHOTS, `${options.docs}.png`);
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1' || !existsSync(target)) {
      mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
      copyFileSync(file, target);
    }
  }
  return file;
}

/** True when nothing on the page is wider than the viewport (no sideways scrolling). */
export async function fitsWidth(page: Page): Promise<{ fits: boolean; scrollWidth: number; width: number }> {
  return page.evaluate(() => {
    const { document, window } = globalThis as unknown as { document: any; window: any };
    return {
      fits: document.documentElement.scrollWidth <= window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth as number,
      width: window.innerWidth as number,
    };
  });
}

/** Every form control has a name a screen reader can read out (a label, aria-label or aria-labelledby). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: any };
    return [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el: any) => {
        if (el.type === 'hidden' || el.closest('[hidden]') || el.closest('dialog:not([open])')) return false;
        const labelled = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        const text = el.tagName === 'BUTTON' && (el.textContent ?? '').trim().length > 0;
        return !labelled && !text;
      })
      .map((el: any) => String(el.outerHTML).slice(0, 120));
  });
}

/** Presses Tab until the focused element matches, proving it can be reached by keyboard. */
export async function tabTo(
  page: Page,
  matches: (el: { id: string; text: string; tag: string; name: string }) => boolean,
  maxTabs = 120,
): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = (globalThis as unknown as { document: any }).document.activeElement;
      return { id: el?.id ?? '', text: (el?.textContent ?? '').trim(), tag: el?.tagName ?? '', name: el?.getAttribute('name') ?? '' };
    });
    if (matches(focused)) return;
  }
  throw new Error('could not reach the element with the Tab key');
}
