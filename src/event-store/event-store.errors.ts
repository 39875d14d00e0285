export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${currentVersion}, expected ${expectedVersion}`);
  }
}

export class UnknownEventTypeError extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`No event type ${type} v${schemaVersion} is registered`);
  }
}
