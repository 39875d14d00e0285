import http from 'node:http';

export interface SseMessage {
  id: string | undefined;
  data: Record<string, any>;
}

/**
 * A plain Node client for Server-Sent Events: it parses the stream as the
 * EventSource spec does, and can be cut off mid-stream like a dropped phone
 * connection.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  private buffer = '';
  private request: http.ClientRequest | undefined;

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
  ) {}

  static connect(base: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${base}${path}`, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        const client = new SseClient(response.statusCode ?? 0, response.headers);
        client.request = request;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.feed(chunk));
        response.on('error', () => undefined);
        resolve(client);
      });
      request.on('error', (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
    });
  }

  get ids(): number[] {
    return this.messages.map((message) => Number(message.id));
  }

  /** Drops the connection without a goodbye, as a flaky network does. */
  cut(): void {
    this.request?.destroy();
  }

  async waitForMessages(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${this.messages.length}: ${this.ids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        else if (line.startsWith('retry:')) this.retry = Number(line.slice(6));
        else if (line.startsWith('event:')) throw new Error(`unexpected named event: ${line}`);
      }
      if (data.length) this.messages.push({ id, data: JSON.parse(data.join('\n')) });
    }
  }
}
