import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { StaffToken } from './staff-token.js';
import { StaffGuard } from './staff.guard.js';

/**
 * Who is asking: the staff token, checked on every route by StaffGuard (an app
 * guard, so it applies wherever this module is imported from). The live stream
 * and the write rate limit read the token's verdict as well.
 */
@Module({
  providers: [StaffToken, { provide: APP_GUARD, useClass: StaffGuard }],
  exports: [StaffToken],
})
export class AuthModule {}
