import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Authenticator } from './authenticator.js';
import { StaffToken } from './staff-token.js';
import { StaffGuard } from './staff.guard.js';

/**
 * Who is asking: the bootstrap token or a personal API token, read once per
 * request (identifyRequests, with the Authenticator), then checked against
 * each route's access by StaffGuard (an app guard, so it applies wherever this
 * module is imported from).
 */
@Module({
  providers: [StaffToken, Authenticator, { provide: APP_GUARD, useClass: StaffGuard }],
  exports: [StaffToken, Authenticator],
})
export class AuthModule {}
