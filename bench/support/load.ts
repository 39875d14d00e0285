import autocannon from 'autocannon';
import { percentile, round } from './stats.js';

export interface LoadFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
}

export type LoadOptions = Omit<autocannon.Options, 'url'> & { url: string };

/**
 * One autocannon run. Latencies are taken from every response (autocannon's
 * own histogram rounds to whole milliseconds); errors are connection errors,
 * timeouts and non-2xx answers together.
 */
export async function load(options: LoadOptions): Promise<LoadFigures> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon({ timeout: 10, ...options }, (error, result) => (error ? fail(error) : done(result)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const requests = result['2xx'] + result.non2xx;
  return {
    rps: round(requests / result.duration, 1),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    errors: result.errors + result.timeouts + result.non2xx,
    requests,
  };
}

export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', ...extra };
}
