/**
 * An event class from its stored name and schema version:
 *
 *   export class OrderPlaced extends defineEvent<OrderPlacedData>()('OrderPlaced', 2) {}
 *
 * Events are stored under the static `type` and `schemaVersion`, never under
 * constructor.name, so renaming or minifying a class can not orphan history.
 * The `type` getter lives on the prototype: it gives TypeScript a discriminant
 * for exhaustive switches while an instance's own data stays just `{ data }`.
 * (Two calls, so the data type is given and the type name is inferred as a literal.)
 */
export function defineEvent<D>() {
  return <T extends string>(type: T, schemaVersion: number) =>
    class {
      static readonly type: T = type;
      static readonly schemaVersion: number = schemaVersion;
      constructor(readonly data: D) {}
      get type(): T {
        return type;
      }
    };
}
