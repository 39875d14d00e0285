import type { INestApplication } from '@nestjs/common';

export interface RegisteredRoute {
  readonly method: string;
  /** The router's pattern, e.g. /orders/:id/confirm */
  readonly path: string;
}

const LINE = /^((?:[│ ] {3})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/u;

/**
 * Every route the running app has registered with Fastify: Nest's controllers
 * and whatever was added straight onto the instance (the web UI's pages, the
 * OpenAPI pages, the static files' catch-all). Read from the router itself
 * (its printed tree, the one listing Fastify gives), so a route nobody listed
 * is found all the same. HEAD routes Fastify adds for each GET are left out.
 */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const fastify = app.getHttpAdapter().getInstance() as { printRoutes(options: { commonPrefix: boolean }): string };
  const ancestors: string[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    ancestors.length = depth;
    ancestors.push(match[2]);
    const path = ancestors.join('').replace(/^\/+/, '/');
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m && m !== 'HEAD')) {
      routes.push({ method, path: path.startsWith('/') ? path : `/${path}` });
    }
  }
  return routes;
}

/**
 * The pattern with each `:param` (and `*splat`) filled in, URL-encoded unless
 * `raw` (for deliberately broken encodings); optional `{…}` parts are kept.
 */
export function fillPath(pattern: string, params: Record<string, string>, options: { raw?: boolean; fallback?: string } = {}): string {
  const encode = options.raw ? (value: string) => value : encodeURIComponent;
  return pattern.replace(/[{}]/g, '').replace(/[:*](\w+)/g, (_, name: string) => encode(params[name] ?? options.fallback ?? 'x'));
}

export function routeName(route: RegisteredRoute): string {
  return `${route.method} ${route.path}`;
}
