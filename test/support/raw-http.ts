import type { INestApplication } from '@nestjs/common';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  body: any;
}

export interface RawRequest {
  method: string;
  /** Sent as it is: the caller encodes it (or deliberately does not). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/**
 * Makes the test app listen on a loopback port of its own, so requests can be
 * sent that supertest will not send: any method with a body, paths as given, and
 * Server-Sent Events, which never end.
 */
export async function listen(app: INestApplication): Promise<number> {
  const server = app.getHttpServer() as Server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * One HTTP request on its own connection. An event stream is answered as soon as
 * its headers arrive (with whatever the first chunk holds), then the connection is cut.
 */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    let answered = false;
    const client = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false, timeout: req.timeoutMs ?? 15_000 },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          if (/json/.test(String(res.headers['content-type'] ?? ''))) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        };
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.once('data', (chunk: Buffer) => chunks.push(chunk));
          setTimeout(() => {
            finish();
            client.destroy();
          }, 50);
          return;
        }
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', finish);
        // The server answered and hung up before it had read all we sent (a 413, a GET with a body): the answer stands.
        res.on('error', finish);
      },
    );
    client.on('timeout', () => client.destroy(new Error(`${req.method} ${req.path} timed out`)));
    client.on('error', (error) => (answered ? undefined : reject(error)));
    if (req.body !== undefined) client.write(req.body);
    client.end();
  });
}

/**
 * Bytes straight onto a socket, for requests no HTTP client will form (a CR in a
 * header, a broken request line): returns the status line's code, or 0 when the
 * server closed without answering.
 */
export function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, text });
    });
    socket.write(bytes);
    // Ask for the connection to end after the answer, whatever the request said.
    socket.end();
  });
}
