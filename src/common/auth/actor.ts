/** Who caused a write, as events record it: a member of staff (the staff token) or a customer (anyone else). */
export type ActorKind = 'customer' | 'staff';
