import { createServer } from 'node:http';

// The ceiling of HTTP on this machine: node:http answering a constant JSON body,
// reading the request body as the app must. Nothing else runs in the process.
const body = JSON.stringify({ orderId: '00000000-0000-4000-8000-000000000000', version: 1, position: 1 });

createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.method === 'POST' ? 201 : 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');

process.on('SIGINT', () => process.exit(0));
