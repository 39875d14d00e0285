import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: headers
 * or a URL too large (431), a malformed request line (400), a client too slow
 * to send its headers (408). Fastify's own answer has no `code`; this one is
 * in the contract's error shape, written straight to the socket (there is no
 * request object yet), and the connection is closed as HTTP requires.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive']
        : [400, 'MALFORMED_REQUEST', 'The request is not well-formed HTTP'];
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], code, message });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroySoon?.();
}
