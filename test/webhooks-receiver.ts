import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly raw: string;
  readonly body: Record<string, any>;
  readonly headers: IncomingHttpHeaders;
  /** The status it was answered with; undefined while held, or if the sender gave up first. */
  answeredWith?: number;
  /** The sender closed the connection before it was answered (a timeout, a stopped app). */
  abandoned: boolean;
}

/**
 * A webhook receiver on loopback for the e2e specs. It records every request
 * as it arrives, and answers as the test says: 200 ('ok'), 500 ('fail'), or
 * not yet ('hold', until `release()`), so a test can make a receiver fail, or
 * be slow, for exactly as long as it needs.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests answered 2xx, in the order they were answered. */
  readonly accepted: ReceivedRequest[] = [];
  mode: 'ok' | 'fail' | 'hold' = 'ok';
  private readonly held: Array<{ request: ReceivedRequest; res: ServerResponse }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks/pizzeria'): Promise<TestReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new TestReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const request: ReceivedRequest = { raw, body: JSON.parse(raw), headers: req.headers, abandoned: false };
        receiver.requests.push(request);
        res.on('close', () => {
          if (request.answeredWith === undefined) request.abandoned = true;
        });
        receiver.handle(request, res);
      });
    });
    return receiver;
  }

  /** Requests held open right now, neither answered nor abandoned. */
  get pending(): number {
    return this.held.filter(({ request }) => !request.abandoned && request.answeredWith === undefined).length;
  }

  /** Event ids of accepted deliveries, each once, in the order first accepted: what a receiver deduping by eventId keeps. */
  acceptedEventIds(): string[] {
    return [...new Set(this.accepted.map((request) => request.body.eventId as string))];
  }

  /** Answers every held request and accepts whatever comes next. */
  release(): void {
    this.mode = 'ok';
    for (const { request, res } of this.held.splice(0)) {
      if (!request.abandoned) this.answer(request, res, 200);
    }
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: ReceivedRequest, res: ServerResponse): void {
    if (this.mode === 'hold') this.held.push({ request, res });
    else this.answer(request, res, this.mode === 'ok' ? 200 : 500);
  }

  private answer(request: ReceivedRequest, res: ServerResponse, status: number): void {
    request.answeredWith = status;
    if (status >= 200 && status < 300) this.accepted.push(request);
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: status < 300 }));
  }
}

/**
 * What a receiver does with X-Pizzeria-Signature: one or more space-separated
 * `sha256=<hex HMAC-SHA256 of the raw body>` values (two during a secret
 * rotation's overlap); valid when any one matches the secret, compared in constant time.
 */
export function hasValidSignature(request: ReceivedRequest, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(request.raw, 'utf8').digest('hex')}`);
  return signaturesOf(request).some((value) => {
    const given = Buffer.from(value);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The values of X-Pizzeria-Signature, in the order sent. */
export function signaturesOf(request: ReceivedRequest): string[] {
  return String(request.headers['x-pizzeria-signature'] ?? '')
    .split(' ')
    .filter((value) => value !== '');
}
