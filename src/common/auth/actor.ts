import type { StaffRole } from './staff-roles.js';

/** Who caused a write, as the domain sees it: a member of staff or a customer. */
export type ActorKind = 'customer' | 'staff';

/** A member of staff, by account: what every event they cause records in its metadata. */
export interface StaffActor {
  readonly kind: 'staff';
  /** The account id; `staff-api-token` for the deployment's bootstrap token (STAFF_API_TOKEN). */
  readonly id: string;
  /** The account's name; null for the bootstrap token, which is nobody in particular. */
  readonly name: string | null;
  readonly role: StaffRole;
}

/** Who asks: customers stay anonymous. */
export type Actor = { readonly kind: 'customer' } | StaffActor;

export const CUSTOMER: Actor = { kind: 'customer' };

/** STAFF_API_TOKEN: manager-level, so deployments and scripts that use it keep working. */
export const BOOTSTRAP_ACTOR: StaffActor = { kind: 'staff', id: 'staff-api-token', name: null, role: 'manager' };
