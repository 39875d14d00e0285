/**
 * The operations of an OpenAPI 3 document, in the shape the fuzzer needs: what
 * to fill in (path, query and header parameters, the JSON body) and who may
 * call it. The fuzzer reads the document the app serves, so a new route or a
 * new field is fuzzed the day it is documented, with no list to keep.
 */
export interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The path template with Fastify-style `:name` parameters. */
  path: string;
  /** "POST /orders/:id/confirm" */
  name: string;
  parameters: Parameter[];
  /** The resolved JSON schema of the body, when the operation takes one. */
  body?: JsonSchema;
  /** True when the document says the operation needs the staff bearer token. */
  staffOnly: boolean;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<Parameter & { schema?: JsonSchema }>;
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        security?: unknown[];
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema => {
    if (!schema || depth > 10) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return resolve(document.components?.schemas?.[name], depth + 1);
    }
    const out: JsonSchema = { ...schema };
    if (schema.allOf?.length) Object.assign(out, ...schema.allOf.map((part) => resolve(part, depth + 1)));
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    if (schema.properties) {
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, resolve(value, depth + 1)]));
    }
    return out;
  };
  const operations: Operation[] = [];
  for (const [template, byMethod] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(byMethod)) {
      if (!METHODS.has(method)) continue;
      const path = template.replace(/\{(\w+)\}/g, ':$1');
      const upper = method.toUpperCase();
      operations.push({
        method: upper,
        path,
        name: `${upper} ${path}`,
        parameters: (spec.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          schema: resolve(p.schema),
        })),
        body: spec.requestBody ? resolve(spec.requestBody.content?.['application/json']?.schema) : undefined,
        staffOnly: Array.isArray(spec.security) && spec.security.length > 0,
      });
    }
  }
  return operations;
}
