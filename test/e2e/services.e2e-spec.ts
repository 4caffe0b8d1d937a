import { agentPrincipal, bearer, TestTokens } from '@app/auth/testing';
import { loadConfig, type ServiceName } from '@app/config';
import { expectEventually } from '@app/testing/eventually';
import { startService, type RunningService } from '@app/testing/service-process';

const SERVICES: Array<[ServiceName, number]> = [
  ['intake', 13001],
  ['workflow', 13002],
  ['analytics', 13003],
];

describe('the three services as processes', () => {
  const running: RunningService[] = [];

  beforeAll(async () => {
    // A stable group prefix: each run reads only what the shared topics gained since the last one.
    const groupPrefix = 'complaints-e2e';
    for (const [name, port] of SERVICES) running.push(await startService(name, port, { KAFKA_GROUP_PREFIX: groupPrefix }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
  });

  it.each(SERVICES)('%s is alive and ready with Kafka, PostgreSQL and Redis reachable', async (name) => {
    const service = running.find((candidate) => candidate.name === name);
    const health = await fetch(`${service?.url}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: name });
    const ready = await fetch(`${service?.url}/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['kafka', 'postgres', 'redis']);
    expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
  });

  it.each(SERVICES)('%s exposes Prometheus metrics and an OpenAPI document with bearer auth', async (name) => {
    const service = running.find((candidate) => candidate.name === name);
    const metrics = await fetch(`${service?.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('complaints_process_cpu_seconds_total');
    expect(text).toContain('http_request_duration_seconds');
    const openApi = (await (await fetch(`${service?.url}/docs-json`)).json()) as { components?: { securitySchemes?: Record<string, unknown> } };
    expect(openApi.components?.securitySchemes).toHaveProperty('bearer');
  });

  it('carries a complaint registered at intake into workflow and workflow\'s lifecycle back to intake', async () => {
    const [intake, workflow] = [running.find((s) => s.name === 'intake'), running.find((s) => s.name === 'workflow')];
    // The services run with the development signing key; so do these tokens.
    const tokens = new TestTokens(loadConfig('intake', { ...process.env, NODE_ENV: 'test' }));
    const agent = agentPrincipal();
    const headers = { Authorization: bearer(tokens.for(agent)), 'Content-Type': 'application/json' };
    const registered = await fetch(`${intake?.url}/complaints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ callerNumber: '+44 7400 123456', category: 'service', description: 'The delivery never came.', storeId: 'S001' }),
    });
    expect(registered.status).toBe(202);
    const { complaintId } = (await registered.json()) as { complaintId: string };

    const opened = await expectEventually(
      async () => {
        const response = await fetch(`${workflow?.url}/complaints/${complaintId}`, { headers });
        expect(response.status).toBe(200);
        return (await response.json()) as { ownerId: string; state: string; deadlines: unknown[] };
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(opened).toMatchObject({ ownerId: agent.subject, state: 'acknowledged' });
    expect(opened.deadlines).toHaveLength(2);

    const started = await fetch(`${workflow?.url}/complaints/${complaintId}/actions`, { method: 'POST', headers, body: JSON.stringify({ action: 'start' }) });
    expect(started.status).toBe(200);
    await expectEventually(
      async () => {
        const response = await fetch(`${intake?.url}/complaints/${complaintId}`, { headers });
        expect(((await response.json()) as { status: string }).status).toBe('in_progress');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 70_000);

  it('logs JSON lines naming the service', () => {
    const intake = running.find((service) => service.name === 'intake');
    const lines = (intake?.output() ?? '').split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => (JSON.parse(line) as { service?: string }).service === 'intake')).toBe(true);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const analytics = running.find((service) => service.name === 'analytics');
    const started = Date.now();
    const exit = await analytics?.stop();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(exit?.code === 0 || exit?.signal === 'SIGTERM').toBe(true);
    await expect(fetch(`${analytics?.url}/health`)).rejects.toThrow();
  });
});
