import http from 'node:http';
import https from 'node:https';
import type { WebhookUrlPolicy } from './webhook-url-policy.js';

export type SendOutcome = { ok: true; status: number } | { ok: false; error: string };

/**
 * POSTs one delivery and tells whether the receiver took it (a 2xx). node:http
 * rather than fetch so the policy's DNS check is the very lookup the socket
 * connects with. Redirects are not followed: a 3xx is a failure, so a receiver
 * can not bounce deliveries somewhere the policy would refuse. Each webhook has
 * its own keep-alive socket, so one slow receiver holds up nobody else.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 1 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 1 }),
  };

  constructor(
    private readonly policy: WebhookUrlPolicy,
    private readonly timeoutMs: number,
  ) {}

  /** Never rejects: a refused URL, a network error, a timeout or a non-2xx all come back as `{ ok: false, error }`. */
  post(rawUrl: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<SendOutcome> {
    let url: URL;
    try {
      url = this.policy.check(rawUrl);
    } catch (error) {
      return Promise.resolve({ ok: false, error: (error as Error).message });
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const failed = (error: Error): SendOutcome => ({
      ok: false,
      error: timeout.aborted ? `no complete answer within ${this.timeoutMs} ms` : describe(error),
    });
    return new Promise<SendOutcome>((resolve) => {
      const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
      const request = (protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent: this.agents[protocol],
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          signal: AbortSignal.any([signal, timeout]),
          lookup: this.policy.lookup,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          // The answer is read to its end (and dropped) so the socket can carry the next delivery.
          response.resume();
          response.on('end', () =>
            resolve(
              status >= 200 && status < 300
                ? { ok: true, status }
                : { ok: false, error: `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` },
            ),
          );
          response.on('error', (error) => resolve(failed(error)));
          response.on('close', () => resolve(failed(new Error('the answer was cut off'))));
        },
      );
      request.on('error', (error) => resolve(failed(error)));
      request.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'AbortError') return 'delivery stopped';
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
