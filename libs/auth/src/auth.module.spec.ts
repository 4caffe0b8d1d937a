import { Controller, Get, Param, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ConfigModule } from '@app/config';
import { AuthModule } from './auth.module';
import { CurrentUser } from './current-user.decorator';
import type { Principal } from './principal';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';
import { assertStoreAccess, storeScope } from './store-scope';
import {
  agentPrincipal,
  authTestConfig,
  bearer,
  opsPrincipal,
  storeManagerPrincipal,
  TestTokens,
} from './testing';

@Controller()
class ProbeController {
  @Public()
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentUser() principal: Principal): Principal {
    return principal;
  }

  @Roles('agent')
  @Get('agent-desk')
  agentDesk(@CurrentUser() principal: Principal): Principal {
    return principal;
  }

  @Roles('ops')
  @Get('ops-console')
  opsConsole(@CurrentUser() principal: Principal): Principal {
    return principal;
  }

  @Roles('store_manager', 'ops')
  @Get('stores/:storeId/escalations')
  escalations(@CurrentUser() principal: Principal, @Param('storeId') storeId: string): object {
    assertStoreAccess(principal, storeId);
    return { storeId, scope: storeScope(principal) };
  }
}

@Roles('ops')
@Controller('admin')
class AdminController {
  @Get('recompute')
  recompute(): { queued: boolean } {
    return { queued: true };
  }

  @Roles('agent', 'ops')
  @Get('status')
  status(): { status: string } {
    return { status: 'ok' };
  }
}

describe('AuthModule on an HTTP app', () => {
  const config = authTestConfig();
  const tokens = new TestTokens(config);
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), AuthModule.forRoot()],
      controllers: [ProbeController, AdminController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (path: string, token?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return token === undefined ? call : call.set('Authorization', bearer(token));
  };

  it('serves a public route without a token', async () => {
    await get('/health').expect(200, { status: 'ok' });
  });

  describe('401', () => {
    it('token_missing without an Authorization header, before any role check', async () => {
      const response = await get('/ops-console').expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        reason: 'token_missing',
        message: expect.any(String),
      });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('token_invalid for an Authorization header that is not a bearer token', async () => {
      const response = await request(app.getHttpServer()).get('/me').set('Authorization', 'Basic dXNlcjpwYXNz');
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ reason: 'token_invalid' });
    });

    it('token_expired for an expired token', async () => {
      const response = await get('/me', tokens.expired(agentPrincipal())).expect(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', reason: 'token_expired' });
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    });

    it('token_invalid for a token signed with another key', async () => {
      const response = await get('/me', tokens.forged(opsPrincipal())).expect(401);
      expect(response.body).toMatchObject({ reason: 'token_invalid', message: 'invalid signature' });
    });

    it.each([
      ['an unknown role', { role: 'supervisor' }],
      ['a store manager without stores', { role: 'store_manager' }],
      ['an agent with stores', { stores: ['S001'] }],
    ])('claims_invalid for %s', async (_case, claims) => {
      const response = await get('/me', tokens.withClaims(claims)).expect(401);
      expect(response.body).toMatchObject({ reason: 'claims_invalid' });
    });
  });

  describe('roles', () => {
    it('lets any authenticated role use a route without @Roles and returns its principal', async () => {
      const manager = storeManagerPrincipal({ storeIds: ['S001', 'S002'] });
      await get('/me', tokens.for(manager)).expect(200, { ...manager });
    });

    it('serves an agent-only route to an agent', async () => {
      const agent = agentPrincipal();
      await get('/agent-desk', tokens.for(agent)).expect(200, { ...agent });
    });

    it('serves an ops route to ops', async () => {
      const ops = opsPrincipal();
      await get('/ops-console', tokens.for(ops)).expect(200, { ...ops });
    });

    it('answers 403 role_forbidden with the roles that may', async () => {
      const response = await get('/ops-console', tokens.for(agentPrincipal())).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        reason: 'role_forbidden',
        message: expect.stringContaining('agent'),
        allowedRoles: ['ops'],
      });
    });

    it('refuses a store manager on an agent-only route', async () => {
      const response = await get('/agent-desk', tokens.for(storeManagerPrincipal())).expect(403);
      expect(response.body).toMatchObject({ reason: 'role_forbidden', allowedRoles: ['agent'] });
    });

    it("applies a controller's @Roles to its routes, and a route's own @Roles over it", async () => {
      const agent = tokens.for(agentPrincipal());
      await get('/admin/recompute', agent).expect(403);
      await get('/admin/recompute', tokens.for(opsPrincipal())).expect(200, { queued: true });
      await get('/admin/status', agent).expect(200, { status: 'ok' });
    });
  });

  describe('store scope', () => {
    const manager = storeManagerPrincipal({ storeIds: ['S001', 'S002'] });

    it("serves a store manager their own store's route", async () => {
      await get('/stores/S002/escalations', tokens.for(manager)).expect(200, {
        storeId: 'S002',
        scope: { kind: 'stores', storeIds: ['S001', 'S002'] },
      });
    });

    it('answers 403 store_forbidden to the manager of another store', async () => {
      const response = await get('/stores/S003/escalations', tokens.for(manager)).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        reason: 'store_forbidden',
        message: expect.any(String),
        storeId: 'S003',
      });
    });

    it('serves ops every store', async () => {
      await get('/stores/S003/escalations', tokens.for(opsPrincipal())).expect(200, {
        storeId: 'S003',
        scope: { kind: 'all' },
      });
    });
  });
});
