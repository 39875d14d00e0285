import type { Locator } from 'playwright-core';

const TIMEOUT_MS = 15_000;

/**
 * Re-reads something from the page until the check passes, or fails with the
 * check's own message after a timeout: a test waits on what it expects, never
 * on a fixed delay.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const normalise = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
/** What a reader sees: innerText (block elements apart) for HTML, textContent for SVG. */
const texts = (locator: Locator) =>
  locator.evaluateAll((elements) =>
    elements.map((element) => (element as unknown as { innerText?: string }).innerText ?? element.textContent),
  );

function matchText(actual: string, expected: string | RegExp): void {
  if (expected instanceof RegExp) expect(actual).toMatch(expected);
  else expect(actual).toBe(expected);
}

/** Web-first expectations on locators, for playwright-core (which has no test runner of its own). */
export const see = {
  text: (locator: Locator, expected: string | RegExp) =>
    eventually(
      async () => (await texts(locator)).map(normalise).join(' '),
      (actual) => matchText(actual, expected),
    ),
  containsText: (locator: Locator, expected: string) =>
    eventually(
      async () => (await texts(locator)).map(normalise).join(' '),
      (actual) => expect(actual).toContain(expected),
    ),
  texts: (locator: Locator, expected: Array<string | RegExp>) =>
    eventually(
      async () => (await texts(locator)).map(normalise),
      (actual) => {
        expect(actual).toHaveLength(expected.length);
        actual.forEach((text, i) => matchText(text, expected[i]));
      },
    ),
  count: (locator: Locator, expected: number) =>
    eventually(
      () => locator.count(),
      (actual) => expect(actual).toBe(expected),
    ),
  attribute: (locator: Locator, name: string, expected: string) =>
    eventually(
      () => locator.evaluateAll((elements, attribute) => elements.map((element) => element.getAttribute(attribute)), name),
      (actual) => expect(actual).toEqual([expected]),
    ),
  visible: (locator: Locator) => locator.waitFor({ state: 'visible', timeout: TIMEOUT_MS }),
  hidden: (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: TIMEOUT_MS }),
};
