import { Controller, Get } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import request from 'supertest';
import { createPlatformTestApp, type PlatformTestApp } from './testing/platform-test-app';

@Controller('complaints')
class ProtectedTestController {
  @Get()
  list(): [] {
    return [];
  }
}

describe('platform routes behind the auth guard', () => {
  let platform: PlatformTestApp;

  beforeAll(async () => {
    platform = await createPlatformTestApp({ imports: [AuthModule.forRoot()], controllers: [ProtectedTestController] });
  });

  afterAll(async () => {
    await platform.app.close();
  });

  it('guards the app routes', async () => {
    await request(platform.app.getHttpServer()).get('/complaints').expect(401);
  });

  it.each(['/health', '/ready', '/metrics', '/docs-json', '/docs'])('lets %s through without a token', async (path) => {
    await request(platform.app.getHttpServer()).get(path).expect(200);
  });
});
