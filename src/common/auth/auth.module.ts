import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { Authenticator } from './authenticator.js';
import { StaffRoutes } from './staff-routes.js';
import { StaffSessions } from './staff-sessions.js';
import { StaffToken } from './staff-token.js';
import { StaffGuard } from './staff.guard.js';

/**
 * Who is asking: the bootstrap token, a personal API token or a signed-in
 * session, read once per request (identifyRequests, with the Authenticator),
 * then checked against each route's access by StaffGuard (an app guard, so it
 * applies wherever this module is imported from).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [StaffToken, StaffSessions, StaffRoutes, Authenticator, { provide: APP_GUARD, useClass: StaffGuard }],
  exports: [StaffToken, StaffSessions, StaffRoutes, Authenticator],
})
export class AuthModule {}
