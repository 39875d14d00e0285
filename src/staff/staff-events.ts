import { defineEvent } from '../event-store/define-event.js';
import type { EventClass } from '../event-store/event-types.js';
import type { JsonSchema } from '../event-store/json-schema.js';
import type { StaffRole } from '../common/auth/staff-roles.js';
import { STAFF_ROLES } from '../common/auth/staff-roles.js';

// The staff accounts' history, in the same log as the orders (stream
// `staff-<accountId>`): who was given which role, who was locked out, which
// tokens were issued and revoked, each with the actor who did it in its
// metadata. No secret is ever in an event: a token's or a password's hash stays in
// its table.

export interface StaffAccountCreatedData {
  accountId: string;
  login: string;
  name: string;
  role: StaffRole;
}
export interface StaffRoleChangedData {
  accountId: string;
  from: StaffRole;
  to: StaffRole;
}
export interface StaffAccountRef {
  accountId: string;
}
export interface StaffTokenCreatedData {
  accountId: string;
  tokenId: string;
  label: string;
}
export interface StaffTokenRevokedData {
  accountId: string;
  tokenId: string;
}

export class StaffAccountCreated extends defineEvent<StaffAccountCreatedData>()('StaffAccountCreated', 1) {}
export class StaffRoleChanged extends defineEvent<StaffRoleChangedData>()('StaffRoleChanged', 1) {}
export class StaffAccountDisabled extends defineEvent<StaffAccountRef>()('StaffAccountDisabled', 1) {}
export class StaffAccountEnabled extends defineEvent<StaffAccountRef>()('StaffAccountEnabled', 1) {}
export class StaffTokenCreated extends defineEvent<StaffTokenCreatedData>()('StaffTokenCreated', 1) {}
export class StaffTokenRevoked extends defineEvent<StaffTokenRevokedData>()('StaffTokenRevoked', 1) {}
/** A manager set the account's password (the hash stays in staff_accounts); its open sessions ended. */
export class StaffPasswordSet extends defineEvent<StaffAccountRef>()('StaffPasswordSet', 1) {}

export type StaffEvent =
  | StaffAccountCreated
  | StaffRoleChanged
  | StaffAccountDisabled
  | StaffAccountEnabled
  | StaffTokenCreated
  | StaffTokenRevoked
  | StaffPasswordSet;

export const STAFF_EVENT_CLASSES: readonly EventClass[] = [
  StaffAccountCreated,
  StaffRoleChanged,
  StaffAccountDisabled,
  StaffAccountEnabled,
  StaffTokenCreated,
  StaffTokenRevoked,
  StaffPasswordSet,
];

const accountId: JsonSchema = { type: 'string', format: 'uuid', description: 'The staff account: GET /admin/staff/{accountId}' };
const tokenId: JsonSchema = { type: 'string', format: 'uuid', description: 'The personal API token' };
const role = (description: string): JsonSchema => ({ type: 'string', enum: [...STAFF_ROLES], description });

function object(description: string, properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', description, additionalProperties: false, required: Object.keys(properties), properties };
}

export const STAFF_EVENT_SCHEMAS: Record<string, Record<number, JsonSchema>> = {
  StaffAccountCreated: {
    1: object('A staff account was created', {
      accountId,
      login: { type: 'string', description: 'What the member of staff signs in with' },
      name: { type: 'string', description: 'The name the timeline shows' },
      role: role('What the account may do'),
    }),
  },
  StaffRoleChanged: { 1: object("An account's role changed", { accountId, from: role('The role before'), to: role('The role now') }) },
  StaffAccountDisabled: { 1: object('An account was disabled: its tokens stop working', { accountId }) },
  StaffAccountEnabled: { 1: object('A disabled account was enabled again', { accountId }) },
  StaffTokenCreated: {
    1: object('A personal API token was issued', { accountId, tokenId, label: { type: 'string', description: 'What it is for' } }),
  },
  StaffTokenRevoked: { 1: object('A personal API token was revoked', { accountId, tokenId }) },
  StaffPasswordSet: { 1: object("The account's password was set; its open sessions ended", { accountId }) },
};

const PREFIX = 'staff-';

export function staffStreamId(accountId: string): string {
  return `${PREFIX}${accountId}`;
}
