import { ApiProperty } from '@nestjs/swagger';
import { STAFF_ROLES } from '../../common/auth/staff-roles.js';

export class SignedInStaffView {
  @ApiProperty({ description: 'The account id; staff-api-token for the bootstrap token', example: '3f2b8c1d-7e4a-4c5b-9d6e-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: 'null for the bootstrap token', example: 'maria' })
  login!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null for the bootstrap token', example: 'Maria' })
  name!: string | null;

  @ApiProperty({ enum: [...STAFF_ROLES], example: 'counter' })
  role!: string;
}

/** Who a request signs in as, and what the web UI may offer them. */
export class SessionView {
  @ApiProperty({ type: SignedInStaffView })
  staff!: SignedInStaffView;

  @ApiProperty({ enum: ['session', 'token'], description: 'A session cookie, or a bearer token', example: 'session' })
  via!: 'session' | 'token';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE the session cookie authorises; null for a bearer token',
    example: 'q3b6kY1v8GQfM2xJ0cWZ9rT4nL7pS5aH-dE1uI0oK2w',
  })
  csrfToken!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When the session ends at the latest (it ends sooner after STAFF_SESSION_IDLE_SECONDS unused); null for a bearer token',
    example: '2026-12-07T21:00:00.000Z',
  })
  expiresAt!: string | null;

  @ApiProperty({
    type: [String],
    description: 'Every staff route this role may call, as the OpenAPI document spells it: what the web UI shows buttons for',
    example: ['GET /kitchen/queue', 'GET /orders', 'POST /orders/{id}/confirm', 'POST /orders/{id}/pay'],
  })
  routes!: string[];
}
