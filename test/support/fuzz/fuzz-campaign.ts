import fc from 'fast-check';
import { send } from '../raw-http.js';
import { fuzzCase, type FuzzCase, type FuzzFixture } from './fuzz-requests.js';
import type { Operation } from './openapi-operations.js';
import { verdict } from './fuzz-verdict.js';

export interface FuzzFailure {
  problem: string;
  case: FuzzCase;
  answer: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** 5xx answers, the 503s that describe the server's state excluded (the target is 0). */
  serverErrors: number;
  failures: FuzzFailure[];
  wallSeconds: number;
}

export interface FuzzCampaign {
  port: number;
  operations: Operation[];
  fixture: FuzzFixture;
  seed: number;
  requests: number;
  /** The event log's size, read before and after every request. */
  eventCount(): Promise<number>;
  /** 'stop' ends at the first failure (CI); 'count' goes on and counts (the long run). */
  onFailure: 'stop' | 'count';
}

/** Sends `requests` requests, one at a time, each checked as it comes back; the same seed sends the same requests. */
export async function runFuzzCampaign(campaign: FuzzCampaign): Promise<FuzzReport> {
  const started = process.hrtime.bigint();
  const report: FuzzReport = { seed: campaign.seed, requests: 0, statuses: {}, serverErrors: 0, failures: [], wallSeconds: 0 };
  const cases = fc.constantFrom(...campaign.operations).chain((operation) => fuzzCase(operation, campaign.fixture));
  const property = fc.asyncProperty(cases, async (one) => {
    const before = await campaign.eventCount();
    let problem: string | undefined;
    let answer = '';
    try {
      const res = await send(campaign.port, one.request);
      answer = `${res.status} ${res.text.slice(0, 200)}`;
      report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
      problem = verdict(one.request, res, (await campaign.eventCount()) - before);
      if (res.status >= 500 && problem) report.serverErrors++;
    } catch (error) {
      // The server hung up or never answered: as bad as a 500.
      problem = `no answer: ${(error as Error).message}`;
      report.serverErrors++;
    }
    report.requests++;
    if (!problem) return true;
    if (report.failures.length < 50) report.failures.push({ problem, case: one, answer });
    return campaign.onFailure === 'count';
  });
  const result = await fc.check(property, { seed: campaign.seed, numRuns: campaign.requests, endOnFailure: true });
  if (result.failed && result.errorInstance && report.failures.length === 0) {
    report.failures.push({
      problem: `the fuzzer itself failed: ${String(result.errorInstance)}`,
      case: result.counterexample?.[0] as FuzzCase,
      answer: '',
    });
  }
  report.wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return report;
}
