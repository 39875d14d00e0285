import { registeredRoutes } from './support/routes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
type Operation = {
  summary?: string;
  tags?: string[];
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
};
type MediaType = { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> };
type Schema = {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
};

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** Swagger UI's own pages: they serve the document, they are not in it. */
const DOCUMENTATION_ROUTES = ['/docs', '/docs-json'];
/** The web UI's pages and public/'s files (the static catch-all): HTML and assets, not API endpoints. */
const WEB_UI_ROUTES = ['/', '/track/{orderId}', '/kitchen', '/dashboard', '/*'];

/** Every method + path the app has registered, in OpenAPI's {param} notation. */
function apiRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  for (const route of registeredRoutes(t.app)) {
    if (!HTTP_METHODS.includes(route.method.toLowerCase())) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    if (DOCUMENTATION_ROUTES.some((docs) => path === docs || path.startsWith(`${docs}/`) || path.startsWith(`${docs}*`))) continue;
    if (WEB_UI_ROUTES.includes(path)) continue;
    routes.push(`${route.method} ${path}`);
  }
  return [...new Set(routes)].sort();
}

function documentedRoutes(doc: OpenApi): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

function operations(doc: OpenApi): Array<[string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

/** A schema shows an example when it has one, or is made of schemas (or properties) that all do. */
function lacksExamples(doc: OpenApi, schema: Schema | undefined, path: string, seen = new Set<string>()): string[] {
  if (!schema) return [`${path}: no schema`];
  if (schema.example !== undefined) return [];
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    if (seen.has(name)) return [];
    seen.add(name);
    return lacksExamples(doc, doc.components.schemas[name], name, seen);
  }
  if (schema.items) return lacksExamples(doc, schema.items, `${path}[]`, seen);
  for (const list of [schema.allOf, schema.oneOf]) {
    if (list) return list.flatMap((s, i) => lacksExamples(doc, s, `${path}.${i}`, seen));
  }
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([name, property]) => lacksExamples(doc, property, `${path}.${name}`, seen));
  }
  return [`${path}: no example`];
}

describe('OpenAPI document (e2e)', () => {
  let t: TestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApi;
  });

  afterAll(async () => {
    await t.close();
  });

  it('documents every route the app registers, and nothing it does not', () => {
    const registered = apiRoutes(t);
    expect(registered.length).toBeGreaterThan(15);
    expect(registered).toEqual(expect.arrayContaining(['GET /health', 'GET /metrics', 'POST /orders', 'GET /orders/{id}']));
    expect(documentedRoutes(doc)).toEqual(registered);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http().get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    const init = await t.http().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
  });

  it('gives every operation a summary, a tag and a documented success answer', () => {
    const missing = operations(doc).flatMap(([route, op]) => {
      const problems: string[] = [];
      if (!op.summary) problems.push(`${route}: no summary`);
      if (!op.tags?.length) problems.push(`${route}: no tag`);
      if (!Object.keys(op.responses).some((status) => /^2\d\d$/.test(status))) problems.push(`${route}: no 2xx response`);
      return problems;
    });
    expect(missing).toEqual([]);
  });

  it('shows an example of every success answer', () => {
    const missing = operations(doc).flatMap(([route, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^2\d\d$/.test(status))
        .flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).flatMap(([type, media]) =>
            media.example !== undefined || media.examples ? [] : lacksExamples(doc, media.schema, `${route} ${status} ${type}`),
          ),
        ),
    );
    expect(missing).toEqual([]);
  });

  it('documents every error answer in the contract shape, with a named example per code', () => {
    const problems: string[] = [];
    for (const [route, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => /^[45]\d\d$/.test(s))) {
        const media = response.content?.['application/json'];
        if (media?.schema?.$ref !== '#/components/schemas/ErrorResponse') problems.push(`${route} ${status}: not an ErrorResponse`);
        const examples = Object.values(media?.examples ?? {});
        if (examples.length === 0) problems.push(`${route} ${status}: no example`);
        for (const { value } of examples) {
          const body = value as { statusCode?: number; code?: string };
          if (body.statusCode !== Number(status) || !/^[A-Z_]+$/.test(body.code ?? ''))
            problems.push(`${route} ${status}: example ${JSON.stringify(value)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every parameter (path, query, header) a description or an example', () => {
    const missing = operations(doc).flatMap(([route, op]) =>
      (
        (op as Operation & { parameters?: Array<{ name: string; in: string; example?: unknown; description?: string; schema?: Schema }> })
          .parameters ?? []
      )
        .filter((p) => p.example === undefined && p.schema?.example === undefined && !p.description)
        .map((p) => `${route}: ${p.in} ${p.name}`),
    );
    expect(missing).toEqual([]);
  });

  it('gives every schema property an example', () => {
    const missing = Object.entries(doc.components.schemas).flatMap(([name, schema]) => lacksExamples(doc, schema, name, new Set([name])));
    expect(missing).toEqual([]);
  });

  it('marks the staff routes as needing the bearer token or the session cookie, with their 401 and 403', () => {
    for (const route of ['POST /orders/{id}/confirm', 'GET /orders', 'GET /kitchen/queue', 'GET /admin/projections']) {
      const [path, op] = [route, operations(doc).find(([r]) => r === route)![1] as Operation & { security?: unknown[] }];
      // Either a bearer token or the session cookie of a signed-in browser.
      expect({ path, security: op.security }).toEqual({ path, security: [{ staff: [] }, { session: [] }] });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect((operations(doc).find(([r]) => r === 'POST /orders')![1] as { security?: unknown }).security).toBeUndefined();
  });
});
