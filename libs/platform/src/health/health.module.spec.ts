import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import request from 'supertest';
import { createPlatformTestApp, type PlatformTestApp } from '../testing/platform-test-app';
import { type ReadinessCheck, ReadinessRegistry } from './readiness.registry';

const passingCheck = (): ReadinessCheck => async () => undefined;
const failingCheck = (message: string): ReadinessCheck => async () => {
  throw new Error(message);
};
const silentCheck = (): ReadinessCheck => () => new Promise<void>(() => undefined);

describe('HealthModule', () => {
  let platform: PlatformTestApp;
  let readiness: ReadinessRegistry;

  beforeEach(async () => {
    platform = await createPlatformTestApp({ health: { checkTimeoutMs: 100 } });
    readiness = platform.app.get(ReadinessRegistry);
  });

  afterEach(async () => {
    await platform.app.close();
  });

  it('answers /health with the service name', async () => {
    const response = await request(platform.app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', service: 'intake' });
  });

  it('is ready when no check is registered', async () => {
    const response = await request(platform.app.getHttpServer()).get('/ready').expect(200);
    expect(response.body).toEqual({ status: 'ready', checks: {} });
  });

  it('is ready when every check passes, with each latency', async () => {
    readiness.register('kafka', passingCheck());
    readiness.register('postgres', passingCheck());
    const response = await request(platform.app.getHttpServer()).get('/ready').expect(200);
    expect(response.body).toEqual({
      status: 'ready',
      checks: {
        kafka: { ok: true, latencyMs: expect.any(Number) },
        postgres: { ok: true, latencyMs: expect.any(Number) },
      },
    });
  });

  it('answers 503 with the error of each failing check', async () => {
    readiness.register('kafka', passingCheck());
    readiness.register('postgres', failingCheck('connection refused'));
    const response = await request(platform.app.getHttpServer()).get('/ready').expect(503);
    expect(response.body).toEqual({
      status: 'not_ready',
      checks: {
        kafka: { ok: true, latencyMs: expect.any(Number) },
        postgres: { ok: false, latencyMs: expect.any(Number), error: 'connection refused' },
      },
    });
  });

  it('fails a check that does not answer within its timeout, running the checks concurrently', async () => {
    readiness.register('redis', silentCheck());
    readiness.register('kafka', silentCheck(), { timeoutMs: 300 });
    readiness.register('postgres', silentCheck(), { timeoutMs: 400 });
    const started = Date.now();
    const response = await request(platform.app.getHttpServer()).get('/ready').expect(503);
    // One after the other they would take 100 + 300 + 400 ms.
    expect(Date.now() - started).toBeLessThan(800);
    expect(response.body.checks).toEqual({
      redis: { ok: false, latencyMs: expect.any(Number), error: 'timed out after 100 ms' },
      kafka: { ok: false, latencyMs: expect.any(Number), error: 'timed out after 300 ms' },
      postgres: { ok: false, latencyMs: expect.any(Number), error: 'timed out after 400 ms' },
    });
    expect(response.body.checks.postgres.latencyMs).toBeGreaterThanOrEqual(395);
  });

  it('reports a check that throws synchronously or rejects with a non-error', async () => {
    readiness.register('sync', () => {
      throw new Error('not configured');
    });
    readiness.register('odd', () => Promise.reject('plain string'));
    const response = await request(platform.app.getHttpServer()).get('/ready').expect(503);
    expect(response.body.checks.sync.error).toBe('not configured');
    expect(response.body.checks.odd.error).toBe('plain string');
  });

  it('refuses two checks with the same name', () => {
    readiness.register('kafka', passingCheck());
    expect(() => readiness.register('kafka', passingCheck())).toThrow(/already registered/);
  });

  it('is reachable without credentials and documented in the OpenAPI document', async () => {
    const document = await request(platform.app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
  });
});

describe('HealthModule during shutdown', () => {
  /** Asks the probes while Nest runs the shutdown hooks, as a load balancer would. */
  @Injectable()
  class ProbeDuringShutdown implements BeforeApplicationShutdown {
    static baseUrl = '';
    static answers: Array<{ path: string; status: number; body: unknown }> = [];

    async beforeApplicationShutdown(): Promise<void> {
      for (const path of ['/health', '/ready']) {
        const response = await fetch(`${ProbeDuringShutdown.baseUrl}${path}`);
        ProbeDuringShutdown.answers.push({ path, status: response.status, body: await response.json() });
      }
    }
  }

  it('answers 503 to /health and /ready once shutdown has begun', async () => {
    const platform = await createPlatformTestApp({ providers: [ProbeDuringShutdown] });
    platform.app.get(ReadinessRegistry).register('kafka', passingCheck());
    ProbeDuringShutdown.baseUrl = await platform.app.getUrl();
    await request(platform.app.getHttpServer()).get('/ready').expect(200);

    await platform.app.close();

    expect(ProbeDuringShutdown.answers).toEqual([
      { path: '/health', status: 503, body: { status: 'shutting_down', service: 'intake' } },
      { path: '/ready', status: 503, body: { status: 'shutting_down', checks: {} } },
    ]);
  });
});
