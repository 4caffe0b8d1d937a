import { Controller, ForbiddenException, Get, Param, type CanActivate, UseGuards } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { createPlatformTestApp, type PlatformTestApp } from '../testing/platform-test-app';
import { MetricsService } from './metrics.service';

class RefuseEveryone implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException();
  }
}

@Controller('complaints')
class ComplaintsTestController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get(':id/secret')
  @UseGuards(RefuseEveryone)
  secret(): string {
    return 'never';
  }
}

/** The sample lines of one metric whose labels include all of `labels`. */
function samples(exposition: string, metric: string, labels: Record<string, string>): string[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`))
    .filter((line) => Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`)));
}

describe('MetricsModule', () => {
  let platform: PlatformTestApp;

  beforeEach(async () => {
    platform = await createPlatformTestApp({ controllers: [ComplaintsTestController] });
  });

  afterEach(async () => {
    await platform.app.close();
  });

  it('serves the Prometheus text format with process metrics and the service label', async () => {
    const response = await request(platform.app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(response.text).toMatch(/^complaints_process_cpu_user_seconds_total\{service="intake"\} /m);
    expect(response.text).toContain('complaints_nodejs_heap_size_used_bytes{service="intake"}');
  });

  it('times requests by method, route template and status', async () => {
    const server = platform.app.getHttpServer();
    await request(server).get('/complaints/0b8f5a0e-4c5d-4e6f-9a7b-1c2d3e4f5a6b').expect(200);
    await request(server).get('/complaints/42').expect(200);
    await request(server).get('/complaints/42/secret').expect(403);
    await request(server).get('/no/such/route/7').expect(404);

    const { text } = await request(server).get('/metrics').expect(200);

    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const found = samples(text, 'http_request_duration_seconds_count', {
      method: 'GET',
      route: '/complaints/:id',
      status_code: '200',
      service: 'intake',
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/ 2$/);
    expect(samples(text, 'http_request_duration_seconds_count', { route: '/complaints/:id/secret', status_code: '403' })).toHaveLength(1);
    expect(samples(text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toHaveLength(1);
    expect(text).not.toContain('/complaints/42');
    expect(samples(text, 'http_request_duration_seconds_bucket', { route: '/complaints/:id', le: '+Inf' })).toHaveLength(1);
  });

  it('hands out one metric per name and refuses a name taken by another kind', async () => {
    const metrics = platform.app.get(MetricsService);
    const first = metrics.counter('complaints_received_total', 'Complaints received', ['channel']);
    const second = metrics.counter('complaints_received_total', 'Complaints received', ['channel']);
    expect(second).toBe(first);
    expect(first).toBeInstanceOf(Counter);
    expect(() => metrics.gauge('complaints_received_total', 'oops')).toThrow(/already registered as a Counter/);

    first.inc({ channel: 'hotline' }, 3);
    const { text } = await request(platform.app.getHttpServer()).get('/metrics').expect(200);
    expect(text).toContain('complaints_received_total{channel="hotline",service="intake"} 3');
  });

  it('keeps a registry per app, so several apps live in one process', async () => {
    const other = await createPlatformTestApp();
    try {
      const ours = platform.app.get(Registry);
      const theirs = other.app.get(Registry);
      expect(theirs).not.toBe(ours);
      platform.app.get(MetricsService).counter('only_in_first_total', 'x').inc();
      expect(await theirs.getSingleMetric('only_in_first_total')).toBeUndefined();
      await request(other.app.getHttpServer()).get('/metrics').expect(200);
    } finally {
      await other.app.close();
    }
  });
});
