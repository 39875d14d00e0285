import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/ops/openapi/openapi.js';
import { BEGIN, END, renderApiReference, withReference } from './support/api-reference.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * docs/api.md is the API reference in the repository: hand-written rules on
 * top, and below them every operation rendered from the OpenAPI document.
 * This test fails when the two disagree; UPDATE_API_REFERENCE=1 (what
 * `npm run docs:api` sets) rewrites the generated part instead.
 */
const FILE = new URL('../docs/api.md', import.meta.url);

const t: TestApp = await startTestApp();

afterAll(async () => {
  await t.close();
});

it('docs/api.md lists every operation as the OpenAPI document describes it', () => {
  const reference = renderApiReference(buildOpenApiDocument(t.app));
  const committed = readFileSync(FILE, 'utf8');
  if (process.env.UPDATE_API_REFERENCE) writeFileSync(FILE, withReference(committed, reference));
  const current = readFileSync(FILE, 'utf8');
  expect(current.slice(current.indexOf(BEGIN), current.indexOf(END) + END.length + 1)).toBe(reference);
  // The reference names what a client branches on.
  expect(reference).toMatch(/### `POST \/orders`/);
  expect(reference).toMatch(/`VERSION_MISMATCH`/);
});
