import type { ServerResponse } from 'node:http';

/** How long a browser waits before it reconnects a dropped stream (the SSE `retry:` field). */
const RETRY_MS = 2_000;
/** A client this far behind is cut off; it reconnects and catches up from the store instead of from memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * One Server-Sent Events response: frames as the EventSource spec reads them,
 * written with back-pressure so a slow client cannot make the server hold an
 * unbounded backlog.
 */
export class SseStream {
  private closedValue = false;
  private readonly closeListeners = new Set<() => void>();

  /** `inherited`: headers already chosen for the response (helmet's, the correlation id), sent with the stream's own. */
  constructor(
    private readonly res: ServerResponse,
    private readonly inherited: Record<string, string | number | string[]> = {},
  ) {
    res.on('close', () => this.closed());
  }

  get isClosed(): boolean {
    return this.closedValue;
  }

  /** Sends the headers at once, so the client's `open` fires: from then on it is subscribed. */
  open(): void {
    this.res.statusCode = 200;
    for (const [name, value] of Object.entries(this.inherited)) this.res.setHeader(name, value);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    // no-transform keeps compression middleware from buffering the stream.
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    // Reverse proxies such as nginx would otherwise buffer the response.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.socket?.setTimeout(0);
    this.res.socket?.setNoDelay(true);
    this.res.flushHeaders();
    void this.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  }

  /** One event: `id` is what the browser sends back as Last-Event-ID when it reconnects. */
  event(id: number, data: unknown): Promise<void> {
    // JSON.stringify escapes line breaks, so the payload is always one `data:` line.
    return this.write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A comment line: ignored by clients, but it keeps proxies and idle timers from closing the connection. */
  comment(text: string): void {
    void this.write(`: ${text}\n\n`);
  }

  onClose(listener: () => void): void {
    if (this.closedValue) listener();
    else this.closeListeners.add(listener);
  }

  end(): void {
    if (this.closedValue) return;
    this.res.end();
    this.closed();
  }

  private write(chunk: string): Promise<void> {
    if (this.closedValue) return Promise.resolve();
    if (this.res.write(chunk)) return Promise.resolve();
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.closed();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.closeListeners.delete(done);
        resolve();
      };
      this.res.on('drain', done);
      this.closeListeners.add(done);
    });
  }

  private closed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}
