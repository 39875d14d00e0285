import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { fileURLToPath } from 'node:url';

/** public/ at the project root: two levels up from both src/web and dist/web. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** The browser UI's pages; each is a static HTML file that talks to the public API only. */
const PAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/$/, 'index.html'],
  [/^\/track\/[^/]+\/?$/, 'track.html'],
  [/^\/kitchen\/?$/, 'kitchen.html'],
  [/^\/dashboard\/?$/, 'dashboard.html'],
];

/**
 * Serves the web UI from the same app, below the API: plain HTML, CSS and ES
 * modules, no build step. Anything that is neither a page nor a file in
 * public/ falls through to the API's routes (and their JSON 404).
 */
export function serveWebUi(app: NestExpressApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const page = PAGES.find(([path]) => path.test(req.path));
    if (!page) return next();
    res.setHeader('Cache-Control', 'no-cache');
    // A page missing from the deployment answers the API's JSON 404, not an error page.
    res.sendFile(page[1], { root: PUBLIC_DIR }, (error?: Error) => error && !res.headersSent && next());
  });
  // no-cache: the browser revalidates (ETag) on each load, so a deploy is never half-cached.
  app.useStaticAssets(PUBLIC_DIR, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
  });
}
