/**
 * docs/api.md's generated part, rendered from the OpenAPI document the app
 * serves: every operation with who may call it, its parameters, its body's
 * fields with their rules, its success answer and its error codes. The
 * api-reference test fails when the committed file and the app disagree;
 * `npm run docs:api` rewrites the file.
 */
type Schema = Record<string, any>;
type Document = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

export const BEGIN = '<!-- generated from the OpenAPI document by `npm run docs:api`: do not edit below -->';
export const END = '<!-- end of the generated reference -->';

export function renderApiReference(document: Document): string {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: Schema | undefined): Schema =>
    schema?.$ref ? resolve(schemas[String(schema.$ref).split('/').pop()!]) : (schema ?? {});
  const refName = (schema: Schema | undefined): string | undefined =>
    schema?.$ref
      ? String(schema.$ref).split('/').pop()
      : schema?.type === 'array' && schema.items?.$ref
        ? `${String(schema.items.$ref).split('/').pop()}[]`
        : undefined;
  const cell = (text: unknown) =>
    String(text ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\s*\n\s*/g, ' ');

  const typeOf = (schema: Schema): string => {
    const s = resolve(schema);
    if (s.enum) return s.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(' | ');
    if (s.type === 'array') return `${typeOf(s.items ?? {})}[]`;
    return [s.type ?? (s.properties ? 'object' : 'any'), s.format ? `(${s.format})` : ''].join(' ').trim();
  };
  const rules = (schema: Schema): string =>
    [
      schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
      schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
      schema.minLength !== undefined ? `≥ ${schema.minLength} chars` : '',
      schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : '',
      schema.minItems !== undefined ? `≥ ${schema.minItems} items` : '',
      schema.maxItems !== undefined ? `≤ ${schema.maxItems} items` : '',
      schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : '',
    ]
      .filter(Boolean)
      .join(', ');

  const fields = (schema: Schema, prefix = '', depth = 0): string[] => {
    const s = resolve(schema);
    const required = new Set<string>(s.required ?? []);
    return Object.entries<Schema>(s.properties ?? {}).flatMap(([name, raw]) => {
      const inner = resolve(raw);
      const merged = { ...inner, ...raw };
      const path = `${prefix}${name}`;
      const row = `| \`${path}\` | ${cell(typeOf(raw))} | ${required.has(name) ? 'yes' : ''} | ${cell(rules(merged))} | ${cell(merged.description)}${merged.example !== undefined ? `${merged.description ? '; ' : ''}e.g. \`${cell(JSON.stringify(merged.example))}\`` : ''} |`;
      if (depth > 3) return [row];
      if (inner.properties) return [row, ...fields(inner, `${path}.`, depth + 1)];
      if (inner.type === 'array' && resolve(inner.items).properties) return [row, ...fields(resolve(inner.items), `${path}[].`, depth + 1)];
      return [row];
    });
  };

  const out: string[] = [];
  for (const [template, byMethod] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries<any>(byMethod)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push(`### \`${method.toUpperCase()} ${template}\``, '');
      if (op.summary) out.push(`${op.summary.trim()}${/[.!?]$/.test(op.summary.trim()) ? '' : '.'}`, '');
      if (op.description) out.push(op.description.trim(), '');
      const security: object[] = Array.isArray(op.security) ? op.security : [];
      const who =
        security.length === 0
          ? 'anyone'
          : security.some((s) => Object.keys(s).length === 0)
            ? 'anyone; a staff token (`Authorization: Bearer <token>`) allows more'
            : 'staff (`Authorization: Bearer <token>`)';
      out.push(`Who: ${who}`, '');
      const params: any[] = op.parameters ?? [];
      if (params.length) {
        out.push('| parameter | in | required | type | rules | notes |', '|---|---|---|---|---|---|');
        for (const p of params) {
          const schema = p.schema ?? {};
          out.push(
            `| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : ''} | ${cell(typeOf(schema))} | ${cell(rules(schema))} | ${cell(p.description)}${schema.example !== undefined ? `${p.description ? '; ' : ''}e.g. \`${cell(String(schema.example))}\`` : ''} |`,
          );
        }
        out.push('');
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) {
        const rows = fields(body);
        out.push(`Body (\`application/json\`${refName(body) ? `, ${refName(body)}` : ''}):${rows.length ? '' : ' `{}`'}`, '');
        if (rows.length) out.push('| field | type | required | rules | notes |', '|---|---|---|---|---|', ...rows, '');
      }
      const answers = Object.entries<any>(op.responses ?? {});
      const success = answers.filter(([status]) => Number(status) < 400);
      const errors = answers.filter(([status]) => Number(status) >= 400);
      for (const [status, answer] of success) {
        const content = answer.content ?? {};
        const [type, media] = Object.entries<any>(content)[0] ?? [];
        const what = media ? `\`${type}\`${refName(media.schema) ? ` ${refName(media.schema)}` : ''}` : 'no body';
        out.push(`Success: \`${status}\` ${what}${answer.description ? `: ${cell(answer.description)}` : ''}`);
      }
      if (errors.length) {
        out.push('', '| error | codes |', '|---|---|');
        for (const [status, answer] of errors) {
          const codes = Object.keys(answer.content?.['application/json']?.examples ?? {});
          out.push(`| \`${status}\` | ${codes.length ? codes.map((c) => `\`${c}\``).join(', ') : cell(answer.description)} |`);
        }
      }
      out.push('');
    }
  }
  return `${BEGIN}\n\n${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n\n${END}\n`;
}

/** The committed file with its generated part replaced: the hand-written part above it stays as it is. */
export function withReference(file: string, reference: string): string {
  const start = file.indexOf(BEGIN);
  const end = file.indexOf(END);
  if (start < 0 || end < 0) return `${file.trimEnd()}\n\n${reference}`;
  return `${file.slice(0, start)}${reference}${file.slice(end + END.length).replace(/^\n/, '')}`;
}
