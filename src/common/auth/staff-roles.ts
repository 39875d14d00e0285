/**
 * What a member of staff does, and so may do: the counter takes orders in and
 * payments, the kitchen cooks, drivers deliver, a manager does all of it and
 * runs the place (accounts, webhooks, projections, analytics).
 */
export const STAFF_ROLES = ['counter', 'kitchen', 'driver', 'manager'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
