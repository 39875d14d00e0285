import { appendFileSync } from 'node:fs';

/**
 * Re-checks a condition on a short timer until it holds: tests wait on what
 * they expect to happen, never on a fixed delay.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${options.what ?? condition.toString()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Keeps a measurement the suite does not assert on (a takeover time, say). It is
 * written only when TEST_MEASUREMENTS_FILE names a file, one JSON line each.
 */
export function recordMeasurement(name: string, ms: number): void {
  const file = process.env.TEST_MEASUREMENTS_FILE;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ name, ms: Math.round(ms), at: new Date().toISOString() })}\n`);
}
