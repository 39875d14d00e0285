import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { SESSION_COOKIE } from '../../common/auth/session-cookie.js';
import { ErrorResponse } from '../../common/errors/api-error-responses.js';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `An event-sourced pizzeria. Customers place orders; staff move them through
PENDING → CONFIRMED → COOKING → READY → OUT_FOR_DELIVERY → DELIVERED (pickup orders: READY → PICKED_UP).

- Money is integer cents. Timestamps are ISO-8601 UTC.
- Every write answers \`{ orderId, version, position }\` with \`ETag: "<version>"\`; send \`If-Match\` to write only on that version (412 otherwise).
- Every query accepts \`minPosition\` (read-your-writes): it answers once its read model has that position, or 503 PROJECTION_BEHIND.
- Every error is \`{ statusCode, error, code, message }\` (the ErrorResponse schema); \`code\` is stable.
- Staff routes need \`Authorization: Bearer <token>\` (a personal API token, or the STAFF_API_TOKEN), or the
  \`pizzeria_session\` cookie of \`POST /auth/sign-in\`, with \`X-CSRF-Token\` on every POST, PUT, PATCH and DELETE.
- \`X-Correlation-Id\` is echoed on every response, stored in the events' metadata and on every log line.`;

/** The OpenAPI document of every route the app registers (a test keeps it that way). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pizzeria API')
    .setDescription(DESCRIPTION)
    .setVersion(packageVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A personal API token (pzs_…), or the STAFF_API_TOKEN' }, 'staff')
    .addCookieAuth(
      SESSION_COOKIE,
      { type: 'apiKey', in: 'cookie', description: 'The session of POST /auth/sign-in; unsafe methods also need X-CSRF-Token' },
      'session',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

/** Swagger UI at /docs and the document at /docs-json, built on first request. */
export function setupOpenApi(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Pizzeria API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

/** package.json is three levels up from both src/ops/openapi and dist/ops/openapi. */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return version;
}
