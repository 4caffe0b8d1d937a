import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { RolesGuard } from './roles.guard';
import { TokenService, type Clock } from './token.service';

export interface AuthModuleOptions {
  /** Makes TokenService injectable in every module without importing AuthModule again. Default true. */
  readonly global?: boolean;
  /** The clock tokens are checked against; tests that move time pass their own. */
  readonly clock?: Clock;
}

/**
 * Authentication and role checks for every HTTP route of an app. Needs ConfigModule.forRoot(config).
 * Routes are protected by default; `@Public()` opts out and `@Roles(...)` narrows.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: options.global ?? true,
      providers: [
        {
          provide: TokenService,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): TokenService => {
            if (config.auth.usingDevelopmentSecret && config.service.env !== 'test') {
              new Logger(AuthModule.name).warn(
                'AUTH_JWT_SECRET is the development default: anyone can mint tokens for this service',
              );
            }
            return new TokenService(config.auth, options.clock);
          },
        },
        // Registration order is evaluation order: authenticate first, then check the role.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [TokenService],
    };
  }
}
