import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { StaffActor } from '../../common/auth/actor.js';
import type { RequestSession } from '../../common/auth/authenticator.js';
import { clearedSessionCookie, sessionCookie } from '../../common/auth/session-cookie.js';
import { StaffRoutes } from '../../common/auth/staff-routes.js';
import { credentialsRefused, StaffOnly } from '../../common/auth/staff.guard.js';
import { ApiErrors, ApiReadErrors } from '../../common/errors/api-error-responses.js';
import type { ContextualRequest } from '../../common/http/request-context.js';
import { AppConfig } from '../../config/app-config.js';
import { SignInDto } from '../dto/password.dto.js';
import { SessionView } from '../dto/session-view.dto.js';
import { SignIn } from './sign-in.service.js';
import { StaffSessions } from '../../common/auth/staff-sessions.js';

/**
 * Signing in to the web UI with a login and a password: a server-side session
 * named by an HttpOnly cookie, with a CSRF token the page sends back on every
 * change. Scripts and wall screens use personal API tokens instead.
 */
@ApiTags('sign-in')
@Controller('auth')
export class SignInController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly signInService: SignIn,
    private readonly sessions: StaffSessions,
    private readonly routes: StaffRoutes,
    private readonly config: AppConfig,
  ) {
    // Development and the tests run on plain http://localhost, where a browser drops a Secure cookie.
    this.secureCookie = config.nodeEnv === 'production';
  }

  @Post('sign-in')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in with a login and a password: sets the session cookie',
    description:
      'One answer, 401 SIGN_IN_FAILED, for an unknown login, a wrong password, a disabled account or one without a password. ' +
      'Too many failures for a login or from an address: 429 SIGN_IN_RATE_LIMITED with Retry-After.',
  })
  @ApiOkResponse({ type: SessionView, headers: { 'Set-Cookie': { description: 'pizzeria_session=…; HttpOnly; SameSite=Strict' } } })
  @ApiErrors('VALIDATION_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_RATE_LIMITED', 'DATABASE_UNAVAILABLE')
  async signIn(@Body() body: SignInDto, @Req() req: ContextualRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const signedIn = await this.signInService.signIn(body.login, body.password, req.ip);
    const { session } = signedIn;
    void reply.header(
      'Set-Cookie',
      sessionCookie(session.cookieValue, { maxAgeSeconds: this.config.sessionMaxAgeSeconds, secure: this.secureCookie }),
    );
    void reply.header('Cache-Control', 'no-store');
    return this.view(signedIn.actor, signedIn.login, { csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  }

  @Get('session')
  @StaffOnly()
  @ApiOperation({
    summary: 'Who this request signs in as (cookie or bearer token), and the staff routes its role may call',
  })
  @ApiOkResponse({ type: SessionView })
  @ApiReadErrors()
  session(@Req() req: ContextualRequest, @Res({ passthrough: true }) reply: FastifyReply): SessionView {
    const identity = req.identity;
    // The guard let only staff through.
    if (identity?.verdict !== 'staff') throw new Error('GET /auth/session reached without a member of staff');
    void reply.header('Cache-Control', 'no-store');
    return this.view(identity.actor, identity.login, identity.session);
  }

  @Post('sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Sign out: ends the session on the server and clears the cookie',
    description: 'Needs X-CSRF-Token like any change a cookie authorises. Without a session (or with a bearer token): 204, nothing to end.',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiErrors('CSRF_TOKEN_INVALID', 'DATABASE_UNAVAILABLE')
  async signOut(@Req() req: ContextualRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const identity = req.identity;
    // Another site cannot sign a member of staff out either.
    if (identity?.verdict === 'invalid' && identity.code === 'CSRF_TOKEN_INVALID') throw credentialsRefused(identity);
    if (identity?.verdict === 'staff' && identity.session) await this.sessions.end(identity.session.idHash);
    void reply.header('Set-Cookie', clearedSessionCookie(this.secureCookie));
  }

  private view(actor: StaffActor, login: string | null, session: Pick<RequestSession, 'csrfToken' | 'expiresAt'> | undefined): SessionView {
    return {
      staff: { id: actor.id, login, name: actor.name, role: actor.role },
      via: session ? 'session' : 'token',
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session?.expiresAt.toISOString() ?? null,
      routes: this.routes.for(actor),
    };
  }
}
