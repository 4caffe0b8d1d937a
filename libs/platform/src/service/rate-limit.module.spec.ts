import { Controller, Get } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { agentPrincipal, bearer, TestTokens } from '@app/auth/testing';
import request from 'supertest';
import { createPlatformTestApp, type PlatformTestApp } from '../testing/platform-test-app';
import { RateLimitModule } from './rate-limit.module';

@Controller('complaints')
class ComplaintsTestController {
  @Get()
  list(): [] {
    return [];
  }

  @Get('other')
  other(): [] {
    return [];
  }
}

describe('RateLimitModule', () => {
  let platform: PlatformTestApp;
  let tokens: TestTokens;
  const http = () => request(platform.app.getHttpServer());

  beforeEach(async () => {
    platform = await createPlatformTestApp({
      env: { NODE_ENV: 'test', HTTP_RATE_LIMIT_PER_MINUTE: '3' },
      // In ServiceCoreModule's order: the limit is counted before the token is checked.
      imports: [RateLimitModule.forRoot(), AuthModule.forRoot()],
      controllers: [ComplaintsTestController],
    });
    tokens = new TestTokens(platform.config);
  });

  afterEach(async () => {
    await platform.app.close();
  });

  it('gives each token subject one budget for the whole service, then answers 429 with Retry-After', async () => {
    const auth = bearer(tokens.for(agentPrincipal()));
    await http().get('/complaints').set('Authorization', auth).expect(200);
    await http().get('/complaints/other').set('Authorization', auth).expect(200);
    const last = await http().get('/complaints').set('Authorization', auth).expect(200);
    expect(last.headers['x-ratelimit-remaining']).toBe('0');

    const refused = await http().get('/complaints/other').set('Authorization', auth).expect(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      reason: 'rate_limited',
      message: `more than 3 requests within 60 s from this client; retry after ${retryAfter} s`,
      retryAfterSeconds: retryAfter,
    });
    await http().get('/complaints').set('Authorization', bearer(tokens.for(agentPrincipal()))).expect(200);
  });

  it('counts requests without a valid token by address, so refused ones are limited too', async () => {
    await http().get('/complaints').expect(401);
    await http().get('/complaints').set('Authorization', 'Bearer not-a-token').expect(401);
    await http().get('/complaints').set('Authorization', bearer(tokens.forged(agentPrincipal()))).expect(401);
    await http().get('/complaints').expect(429);
    // A subject with a valid token is not that address.
    await http().get('/complaints').set('Authorization', bearer(tokens.for(agentPrincipal()))).expect(200);
  });

  it('never limits the probes and the metrics scrape', async () => {
    for (let call = 0; call < 10; call += 1) {
      await http().get('/health').expect(200);
      await http().get('/ready').expect(200);
      await http().get('/metrics').expect(200);
    }
  });
});
