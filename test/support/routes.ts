import type { INestApplication } from '@nestjs/common';

export interface RegisteredRoute {
  readonly method: string;
  /** Express's pattern, e.g. /orders/:id/confirm */
  readonly path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Nest mounts app-wide middleware (`forRoutes('*')`) as a route on every path: that is not an endpoint. */
const CATCH_ALL = /^(\{\/\*\w+\}|\/?\*\w*|\/\{\*\w+\})$/;

/**
 * Every route the running app has registered with Express: Nest's controllers
 * and whatever was added straight onto the adapter (the OpenAPI pages). Read
 * from the router itself, so a route nobody listed is found all the same.
 * Catch-all middleware mounts are left out; a test that an unknown path gets
 * 404 shows no endpoint hides behind them.
 */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
  const stack = express.router?.stack ?? express._router?.stack ?? [];
  const routes: RegisteredRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const method of Object.keys(layer.route.methods)) {
      if (method === '_all') continue;
      for (const path of paths) if (!CATCH_ALL.test(path)) routes.push({ method: method.toUpperCase(), path });
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
  return pattern
    .replace(/[{}]/g, '')
    .replace(/[:*](\w+)/g, (_, name: string) => encode(params[name] ?? options.fallback ?? 'x'));
}

export function routeName(route: RegisteredRoute): string {
  return `${route.method} ${route.path}`;
}
