import type {} from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** public/ at the project root: two levels up from both src/web and dist/web. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** The browser UI's pages; each is a static HTML file that talks to the public API only. */
const PAGES: ReadonlyArray<readonly [string, string]> = [
  ['/', 'index.html'],
  ['/track/:orderId', 'track.html'],
  ['/kitchen', 'kitchen.html'],
  ['/dashboard', 'dashboard.html'],
];

/**
 * Serves the web UI from the same app, beside the API: plain HTML, CSS and ES
 * modules, no build step. Files come from public/ (@fastify/static, with ETag
 * and Last-Modified); anything that is neither a page nor a file there gets the
 * API's JSON 404.
 */
export function serveWebUi(app: NestFastifyApplication): void {
  // no-cache: the browser revalidates (ETag) on each load, so a deploy is never half-cached.
  app.useStaticAssets({
    root: PUBLIC_DIR,
    prefix: '/',
    index: false,
    redirect: false,
    cacheControl: false,
    // @fastify/static hands over the reply, though its type says ServerResponse.
    setHeaders: (reply) => void (reply as unknown as FastifyReply).header('Cache-Control', 'no-cache'),
  });
  const fastify = app.getHttpAdapter().getInstance();
  for (const [path, file] of PAGES) {
    // A page missing from the deployment answers the API's JSON 404, not an error page.
    if (!existsSync(join(PUBLIC_DIR, file))) continue;
    fastify.get(path, (_request, reply) => reply.sendFile(file));
  }
}
