const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** An id the server could have chosen (RFC 9562, versions 1 to 8): anything else names nothing, so is answered 404 without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
