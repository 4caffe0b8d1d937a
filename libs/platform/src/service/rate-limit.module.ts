import { type DynamicModule, type ExecutionContext, HttpException, HttpStatus, Injectable, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModule,
  ThrottlerStorage,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { readBearerToken, TokenService } from '@app/auth';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SlidingWindowStorage } from './sliding-window.storage';

/** The window `HTTP_RATE_LIMIT_PER_MINUTE` counts requests in. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Probes and scrapes come from the platform, every few seconds; limiting them would take instances out of service. */
export const UNLIMITED_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

export interface RateLimitedBody {
  readonly statusCode: 429;
  readonly error: 'Too Many Requests';
  readonly reason: 'rate_limited';
  readonly message: string;
  /** The same number of seconds as the Retry-After header. */
  readonly retryAfterSeconds: number;
}

interface HttpRequestLike {
  readonly path?: unknown;
  readonly headers?: { readonly authorization?: unknown };
}

function pathOf(request: HttpRequestLike): string {
  const path = typeof request.path === 'string' ? request.path : '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * @nestjs/throttler's guard with one budget per client for the whole service (not one per route). A
 * client is the subject of a valid bearer token, so colleagues behind one proxy do not share a budget;
 * a request without one (or with a token that does not verify) is counted by its IP address. The token
 * is checked here rather than read from the request, so the count does not depend on the order in
 * which the global guards run, and floods of unauthenticated requests are limited too.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tokens: TokenService,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return UNLIMITED_PATHS.has(pathOf(context.switchToHttp().getRequest<HttpRequestLike>()));
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const authorization = (request as HttpRequestLike).headers?.authorization;
    const bearer = readBearerToken(typeof authorization === 'string' ? authorization : undefined);
    if (bearer.ok) {
      const verification = this.tokens.verifyForRequest(request, bearer.token);
      if (verification.ok) return `subject:${verification.principal.subject}`;
    }
    return `address:${await super.getTracker(request)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    const body: RateLimitedBody = {
      statusCode: 429,
      error: 'Too Many Requests',
      reason: 'rate_limited',
      message: `more than ${detail.limit} requests within ${detail.ttl / 1000} s from this client; retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    };
    throw new HttpException(body, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Limits every HTTP route of the app to `HTTP_RATE_LIMIT_PER_MINUTE` requests per client and instance,
 * answering 429 with `Retry-After`. Counts live in the instance's memory (SlidingWindowStorage): behind
 * a load balancer each instance allows that many, and a cluster-wide limit belongs to the gateway. Needs
 * ConfigModule and AuthModule (for TokenService).
 */
@Module({})
export class RateLimitModule {
  static forRoot(): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): ThrottlerModuleOptions => ({
            throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: config.http.rateLimitPerMinute }],
            storage: new SlidingWindowStorage(),
          }),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
    };
  }
}
