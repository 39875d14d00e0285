import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the library's defaults, which are OWASP's recommended minimum
 * (19 MiB of memory, 2 passes, 1 lane): about 50 ms of one core per hash here,
 * run off the event loop on libuv's thread pool. (The Algorithm enum is a
 * const enum, which isolatedModules cannot read; argon2id is the default, and
 * passwords.spec.ts checks the hash says so.)
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of nothing anyone knows: a sign-in for a login with no password is checked against it, so it costs the same time. */
let decoy: Promise<string> | undefined;

/**
 * Whether the password matches the stored hash. Without a hash (an unknown
 * login, or an account that signs in with tokens only) it still does the
 * work of a check, so the answer's timing does not tell which logins exist.
 */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
