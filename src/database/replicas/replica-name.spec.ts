import { isConnectionError } from './replica-errors.js';
import { replicaNames } from './replica-name.js';

describe('replica names', () => {
  it('are host:port/database, never the user or password, and unique', () => {
    expect(
      replicaNames([
        'postgres://reader:s3cret@replica-1.internal:6432/pizzeria',
        'postgresql://replica-2/pizzeria',
        'postgres://other:pw@replica-1.internal:6432/pizzeria',
      ]),
    ).toEqual(['replica-1.internal:6432/pizzeria', 'replica-2:5432/pizzeria', 'replica-1.internal:6432/pizzeria#2']);
  });
});

describe('connection errors', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('are the ones that say the server is gone', () => {
    expect(isConnectionError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isConnectionError(withCode('08006'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('are not a statement that failed', () => {
    expect(isConnectionError(withCode('42P01', 'relation "order_details" does not exist'))).toBe(false);
    expect(isConnectionError(withCode('40001', 'canceling statement due to conflict with recovery'))).toBe(false);
    expect(isConnectionError('a string')).toBe(false);
  });
});
