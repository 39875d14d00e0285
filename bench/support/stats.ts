/** Percentile by nearest rank over an unsorted sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `operation` from `concurrency` loops at once for `durationMs` after a
 * warm-up, and returns completed operations per second.
 */
export async function throughput(
  concurrency: number,
  durationMs: number,
  operation: (worker: number) => Promise<void>,
  warmupMs = 500,
): Promise<number> {
  let counting = false;
  let done = 0;
  let stop = false;
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    while (!stop) {
      await operation(worker);
      if (counting) done++;
    }
  });
  await sleep(warmupMs);
  counting = true;
  const started = performance.now();
  await sleep(durationMs);
  counting = false;
  const elapsed = performance.now() - started;
  stop = true;
  await Promise.all(loops);
  return done / (elapsed / 1000);
}

/** Times `work` `runs` times after `warmup` untimed runs; milliseconds of each run. */
export async function timeRuns(runs: number, warmup: number, work: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times;
}
