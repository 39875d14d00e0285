import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The import directions docs/architecture.md states, checked over every
 * production file: each rule names the files it covers and what they may not
 * import (a folder of src/, or a package).
 */
interface Rule {
  readonly why: string;
  readonly files: RegExp;
  readonly mayNotImport: readonly RegExp[];
}

const RULES: readonly Rule[] = [
  {
    why: 'the database layer knows no module above it',
    files: /^database\//,
    mayNotImport: [/^(event-store|projections|orders|webhooks|live|menu|ops|event-schemas|common\/(http|auth|idempotency))\//],
  },
  {
    why: 'the event store is generic: streams, versions, positions, never what the events mean',
    files: /^event-store\//,
    mayNotImport: [/^(orders|projections|webhooks|live|menu|ops|event-schemas|common\/(http|auth|idempotency))\//, /^fastify$/],
  },
  {
    why: 'the projection engine runs read models without knowing any',
    files: /^projections\//,
    mayNotImport: [/^(orders|webhooks|live|menu|event-schemas)\//],
  },
  {
    why: 'the menu prices baskets; orders use it, not the other way round',
    files: /^menu\//,
    mayNotImport: [/^(orders|projections|webhooks|live|event-store)\//],
  },
  {
    why: 'the domain is plain TypeScript: no framework, no database, no HTTP',
    files: /^orders\/domain\//,
    mayNotImport: [
      /^(database|projections|webhooks|live|ops|common\/(http|auth|idempotency)|orders\/(commands|queries|read-models))\//,
      /^(@nestjs\/.*|pg|fastify|typeorm)$/,
    ],
  },
  {
    why: 'the write side speaks no HTTP: only the controller, its docs, its DTOs and its request adapters do',
    files: /^orders\/commands\/(?!dto\/|.*\.controller\.ts$|.*\.docs\.ts$|command-context\.ts$|written-order-headers\.ts$)/,
    mayNotImport: [/^common\/http\//, /^orders\/commands\/dto\//, /^(fastify|@nestjs\/swagger)$/],
  },
  {
    why: 'personal data is below the order features: it knows event types and fields by registration, not by import',
    files: /^personal-data\//,
    mayNotImport: [/^(projections|webhooks|live|menu|event-schemas|orders\/(commands|queries|read-models))\//],
  },
  {
    why: 'read models are projections of events: they do not call the write side or the queries',
    files: /^orders\/read-models\//,
    mayNotImport: [/^orders\/(commands|queries)\//, /^common\/http\//],
  },
];

const SRC = dirname(fileURLToPath(import.meta.url));

function productionFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productionFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** What a file imports: a path relative to src/ for its own modules, the package name for the others. */
export function importsOf(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier,
  );
}

/** The imports of one file (a path relative to src/) that break a rule, each with the rule's reason. */
export function violations(file: string, imports: readonly string[], rules: readonly Rule[] = RULES): string[] {
  return rules
    .filter((rule) => rule.files.test(file))
    .flatMap((rule) =>
      imports.filter((target) => rule.mayNotImport.some((p) => p.test(target))).map((target) => `${file} imports ${target}: ${rule.why}`),
    );
}

describe('import directions (docs/architecture.md)', () => {
  it('holds for every production file', () => {
    const found = productionFiles().flatMap((path) => {
      const file = relative(SRC, path);
      return violations(file, importsOf(path, readFileSync(path, 'utf8')));
    });
    expect(found).toEqual([]);
  });

  it('no production file imports from test/', () => {
    const found = productionFiles().flatMap((path) =>
      importsOf(path, readFileSync(path, 'utf8'))
        .filter((target) => target.startsWith('../'))
        .map((target) => `${relative(SRC, path)} imports ${target}`),
    );
    expect(found).toEqual([]);
  });

  it('would catch a breach: the checker itself can fail', () => {
    expect(violations('event-store/event-store.ts', ['orders/order-stream.ts', 'database/database.ts'])).toEqual([
      'event-store/event-store.ts imports orders/order-stream.ts: the event store is generic: streams, versions, positions, never what the events mean',
    ]);
    expect(violations('orders/commands/order-command-runner.ts', ['fastify', 'common/http/request-context.ts'])).toHaveLength(2);
    expect(violations('orders/commands/order-commands.controller.ts', ['fastify'])).toEqual([]);
    expect(violations('orders/domain/pizza-order.ts', ['@nestjs/common', 'menu/pricing.ts'])).toHaveLength(1);
  });
});
