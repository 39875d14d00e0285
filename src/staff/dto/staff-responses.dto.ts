import { ApiProperty } from '@nestjs/swagger';
import { STAFF_ROLES } from '../../common/auth/staff-roles.js';

/** Who made a change: an account id, or `staff-api-token` for the deployment's bootstrap token. */
const BY = { description: 'The account id of who did it, or staff-api-token', example: 'staff-api-token' };

export class StaffAccountView {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ example: 'maria' })
  login!: string;

  @ApiProperty({ example: 'Maria' })
  name!: string;

  @ApiProperty({ enum: [...STAFF_ROLES], example: 'counter' })
  role!: string;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ description: 'Whether the account can sign in to the web UI with a password', example: true })
  hasPassword!: boolean;

  @ApiProperty({ description: "The account stream's version: send it back as If-Match to change the account", example: 1 })
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-12-07T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty(BY)
  createdBy!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-07T09:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty(BY)
  updatedBy!: string;
}

export class StaffTokenView {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  id!: string;

  @ApiProperty({ example: 'kitchen wall screen' })
  label!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-07T09:05:00.000Z' })
  createdAt!: string;

  @ApiProperty(BY)
  createdBy!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'To the minute', example: '2026-12-07T19:42:00.000Z' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  revokedAt!: string | null;
}

export class IssuedStaffTokenView extends StaffTokenView {
  @ApiProperty({
    description: 'The token: shown in this answer only, stored only as its hash',
    example: 'pzs_Q2hvb3NlIGEgcmFuZG9tIHRva2VuLCBub3QgdGhpcyBvbmU',
  })
  token!: string;
}
