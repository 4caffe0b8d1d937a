import { ROLES, type Principal, type Role } from '@app/auth';
import { agentPrincipal, bearer, opsPrincipal, storeManagerPrincipal } from '@app/auth/testing';
import type { ServiceName } from '@app/config';
import { expectEventually } from '@app/testing/eventually';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { FuzzRun } from './fuzz/fuzz-run';
import { vocabularyOf } from './fuzz/json-arbitraries';
import { fetchOpenApi, fillPath, routeId, routesOf, type FuzzRoute } from './fuzz/openapi-routes';
import { NoAnswerError, sendRaw, type Endpoint } from './fuzz/raw-http';
import { requestsFor, type Credentials, type FuzzContext } from './fuzz/request-arbitraries';
import { complaintBodies, seedRequests } from './fuzz/seed-requests';

/**
 * Property-based fuzzing of every operation the three services document in OpenAPI: bodies shaped by
 * each operation's schema and then broken (wrong types, huge and odd strings, deep nesting, extra and
 * prototype-polluting keys), random bodies, content types and encodings, queries, path parameters
 * (real ids and garbage) and headers, mostly with a token of a role the route allows so that requests
 * get past authentication to validation. No answer may be a 5xx, no request may go unanswered, and
 * every refusal is a 4xx in JSON with a message and a reason (or error).
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_251_130);
const MIN_REQUESTS = 10_000;
const PLANNED_REQUESTS = Math.max(MIN_REQUESTS, Number(process.env['FUZZ_REQUESTS'] ?? 10_500));
// Routes are fuzzed this many at a time; each route's requests go one after another.
const CONCURRENCY = 6;
const TIMEOUT_MS = 20_000;
const STREAM_TIMEOUT_MS = 5_000;
// Most requests carry a token of an allowed role: at least this share of each route's must get past
// authentication, or the route's validation was not fuzzed at all.
const MIN_REACHED_SHARE = 0.2;
const SERVICES: readonly ServiceName[] = ['intake', 'workflow', 'analytics'];
const STORES = ['S-FUZZ-1', 'S-FUZZ-2'] as const;

if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(PLANNED_REQUESTS)) throw new Error('FUZZ_SEED and FUZZ_REQUESTS must be integers');

function weightOf(route: FuzzRoute): number {
  if (route.streams || route.isPublic) return 1;
  return route.method === 'GET' ? 2 : 3;
}

/** Requests per route, in proportion to how much there is to fuzz, adding up to at least `total`. */
function plan(routes: readonly FuzzRoute[], total: number): number[] {
  const weights = routes.map(weightOf);
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((weight) => Math.ceil((total * weight) / sum));
}

/** A 32-bit seed per route, so each route's sequence is reproducible on its own. */
function seedFor(route: FuzzRoute): number {
  let hash = SEED | 0;
  for (const char of route.id) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

describe('HTTP fuzzing', () => {
  const harness = new ServiceHarness({
    // The rate limit has tests of its own; here it would turn most requests into 429s before validation.
    env: { HTTP_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const endpoints = new Map<ServiceName, Endpoint>();
  const agents: http.Agent[] = [];

  beforeAll(async () => {
    await harness.start();
    for (const service of SERVICES) {
      const server = harness.http(service) as http.Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
      agents.push(agent);
      endpoints.set(service, { host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent });
    }
  }, 120_000);

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    for (const service of SERVICES) (harness.apps.get(service)?.getHttpServer() as http.Server | undefined)?.closeAllConnections();
    await harness.stop();
  }, 120_000);

  function endpoint(service: ServiceName): Endpoint {
    const found = endpoints.get(service);
    if (found === undefined) throw new Error(`${service} is not listening`);
    return found;
  }

  /**
   * Real data to fuzz beside: complaints (two escalated at once, with their alerts), and a body each
   * route accepts, sent once for real (one complaint taken through its life, a calendar, scenario figures).
   */
  async function prepare(principals: Record<Role, Principal>, byRole: Record<Role, string>): Promise<{ realIds: Record<string, string[]>; seeds: Record<string, unknown[]> }> {
    const seeds: Record<string, unknown[]> = {};
    const seeded = (id: string, body: unknown) => (seeds[id] ??= []).push(body);
    const created: Array<{ complaintId: string; reference: string }> = [];
    for (const body of complaintBodies(STORES)) {
      const response = await request(harness.http('intake')).post('/complaints').set('Authorization', byRole.agent).send(body).expect(202);
      created.push(response.body as { complaintId: string; reference: string });
      seeded(routeId('intake', 'POST', '/complaints'), body);
    }
    for (const { complaintId } of created) {
      await expectEventually(() => request(harness.http('workflow')).get(`/complaints/${complaintId}`).set('Authorization', byRole.ops).expect(200), { timeoutMs: 60_000 });
    }
    const last = created[created.length - 1] as { complaintId: string };
    for (const seed of seedRequests({ complaintId: last.complaintId, storeId: STORES[1], agent: principals.agent.subject, ops: principals.ops.subject })) {
      const path = fillPath(seed.template, seed.params);
      const client = request(harness.http(seed.service));
      const response = await (seed.method === 'PUT' ? client.put(path) : client.post(path)).set('Authorization', byRole[seed.as]).send(seed.body as object);
      if (response.status >= 300) throw new Error(`setup: ${seed.method} ${path} as ${seed.as} answered ${response.status} ${JSON.stringify(response.body)}`);
      seeded(routeId(seed.service, seed.method, seed.template), seed.body);
    }
    const idsOf = (path: string) =>
      expectEventually(
        async () => {
          const response = await request(harness.http('workflow')).get(path).set('Authorization', byRole.ops).expect(200);
          const ids = (response.body.items as Array<{ id: string | number }>).map((item) => String(item.id));
          expect(ids.length).toBeGreaterThan(0);
          return ids;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    const realIds = {
      complaints: created.flatMap(({ complaintId, reference }) => [complaintId, reference, reference.toLowerCase()]),
      escalations: await idsOf('/escalations?limit=500'),
      alerts: await idsOf('/alerts?limit=500'),
      stores: [...STORES],
    };
    return { realIds, seeds };
  }

  /** Whether a route answers with an event stream: asked once, as a role it allows, with real ids. */
  async function streams(route: Omit<FuzzRoute, 'streams'>, credentials: Credentials, realIds: Record<string, string[]>): Promise<boolean> {
    if (route.method !== 'GET') return false;
    const ids = realIds[route.template.split('/')[1] ?? ''] ?? [];
    const path = fillPath(route.template, Object.fromEntries(route.pathParams.map((name) => [name, ids[0] ?? 'x'])));
    const role = route.roles[route.roles.length - 1] as Role;
    try {
      const response = await sendRaw(endpoint(route.service), { method: 'GET', path, headers: { authorization: credentials.byRole[role] } }, { timeoutMs: STREAM_TIMEOUT_MS });
      return response.streamed;
    } catch (error) {
      // A route that sends nothing back within the timeout is fuzzed as an ordinary one, and fails there.
      if (error instanceof NoAnswerError) return false;
      throw error;
    }
  }

  it('answers every fuzzed request below 500, and every refusal with a 4xx in JSON giving a message and a reason', async () => {
    console.log(`HTTP fuzzing with seed ${SEED} (set FUZZ_SEED to replay another), ${PLANNED_REQUESTS} requests planned`);

    const principals: Record<Role, Principal> = {
      agent: agentPrincipal({ subject: 'fuzz-agent' }),
      store_manager: storeManagerPrincipal({ subject: 'fuzz-manager', storeIds: [...STORES] }),
      ops: opsPrincipal({ subject: 'fuzz-ops' }),
    };
    const byRole = Object.fromEntries(ROLES.map((role) => [role, bearer(harness.tokens.for(principals[role], 3600))])) as Record<Role, string>;
    const tokens = harness.tokens;
    const credentials: Credentials = {
      byRole,
      doubtful: [
        { label: 'expired', value: bearer(tokens.expired(principals.ops)) },
        { label: 'forged', value: bearer(tokens.forged(principals.ops)) },
        { label: 'role admin', value: bearer(tokens.withClaims({ role: 'admin' })) },
        { label: 'role as a list', value: bearer(tokens.withClaims({ role: ['ops'] })) },
        { label: 'no sub', value: bearer(tokens.withClaims({ sub: undefined })) },
        { label: 'empty sub', value: bearer(tokens.withClaims({ sub: '' })) },
        { label: 'sub with NUL', value: bearer(tokens.withClaims({ sub: 'a\u0000b' })) },
        { label: 'sub with a lone surrogate', value: bearer(tokens.withClaims({ sub: 'x\ud800' })) },
        { label: 'other issuer', value: bearer(tokens.withClaims({ iss: 'someone-else' })) },
        { label: 'no audience', value: bearer(tokens.withClaims({ aud: undefined })) },
        { label: 'no expiry', value: bearer(tokens.withClaims({ exp: undefined })) },
        { label: 'not yet valid', value: bearer(tokens.withClaims({ nbf: Math.floor(Date.now() / 1000) + 3600 })) },
        { label: 'stores as text', value: bearer(tokens.withClaims({ role: 'store_manager', stores: STORES[0] })) },
        { label: 'stores of other types', value: bearer(tokens.withClaims({ role: 'store_manager', stores: [1, null, { id: 'S' }] })) },
        { label: 'store with NUL', value: bearer(tokens.withClaims({ role: 'store_manager', stores: ['S\u0000'] })) },
        { label: '200 stores', value: bearer(tokens.withClaims({ role: 'store_manager', stores: Array.from({ length: 200 }, (_, index) => `S-${index}`) })) },
      ],
    };
    const { realIds, seeds } = await prepare(principals, byRole);

    const routes: FuzzRoute[] = [];
    for (const service of SERVICES) {
      for (const route of routesOf(service, await fetchOpenApi(endpoint(service)))) {
        routes.push({ ...route, streams: await streams(route, credentials, realIds) });
      }
    }
    const names = new Set(['limit', 'status', 'state', 'owner', 'queue', 'cursor', 'body', 'to', 'reason', 'id', 'page', 'sort', 'q']);
    const words = new Set<string>(Object.values(realIds).flat());
    for (const route of routes) {
      vocabularyOf(route.bodySchema, names, words);
      for (const parameter of route.queryParams) vocabularyOf({ properties: { [parameter.name]: parameter.schema ?? {} } }, names, words);
      for (const name of route.pathParams) names.add(name);
    }
    const context: FuzzContext = { credentials, realIds, names: [...names], words: [...words], seeds };

    const run = new FuzzRun(endpoint, { requestMs: TIMEOUT_MS, streamMs: STREAM_TIMEOUT_MS });
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    const fuzzingStarted = Date.now();
    const runs = plan(routes, PLANNED_REQUESTS);
    try {
      await inParallel(
        routes.map((route, index) => ({ route, numRuns: runs[index] as number })),
        CONCURRENCY,
        async ({ route, numRuns }) => {
          // Every violation is recorded and the run goes on, so that one run lists them all; the seed replays it.
          await fc.assert(
            fc.asyncProperty(requestsFor(route, context), (fuzz) => run.send(fuzz)),
            { seed: seedFor(route), numRuns },
          );
        },
      );
    } finally {
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
    }
    const fuzzingSeconds = (Date.now() - fuzzingStarted) / 1000;

    // Still standing: every service healthy and ready, and a complaint still goes from intake to workflow.
    const alive: Record<string, number> = {};
    for (const service of SERVICES) {
      alive[`${service} /health`] = (await request(harness.http(service)).get('/health')).status;
      alive[`${service} /ready`] = (await request(harness.http(service)).get('/ready')).status;
    }
    const after = await request(harness.http('intake'))
      .post('/complaints')
      .set('Authorization', byRole.agent)
      .send({ callerNumber: '+44 7400 199999', category: 'service', description: 'Still answering after the fuzzing.' });
    const opened =
      after.status === 202 &&
      (await expectEventually(() => request(harness.http('workflow')).get(`/complaints/${after.body.complaintId}`).set('Authorization', byRole.ops).expect(200), {
        timeoutMs: 60_000,
      }).then(
        () => true,
        () => false,
      ));
    const polluted = Object.getOwnPropertyNames(Object.prototype).filter((name) => ['polluted', 'isAdmin', 'role', 'prototype'].includes(name));

    console.log(run.report(routes, fuzzingSeconds, SEED));
    const violations = run.allViolations();
    const unreached = run.unreached(routes, MIN_REACHED_SHARE);
    const everythingHeld =
      violations.length === 0 &&
      crashes.length === 0 &&
      run.total >= MIN_REQUESTS &&
      unreached.length === 0 &&
      Object.values(alive).every((status) => status === 200) &&
      opened &&
      polluted.length === 0;
    recordScenario({
      scenario: 'HTTP fuzzing',
      load: `${run.total} requests over ${routes.length} routes (${Math.round(fuzzingSeconds)} s, seed ${SEED})`,
      faults: 'random bodies, queries, headers',
      messagesIn: run.total,
      complaintsStored: 0,
      lost: 0,
      duplicated: 0,
      result: everythingHeld ? 'pass' : 'fail',
    });

    expect(violations.map((violation) => `${violation.count}× ${violation.route}: ${violation.problem} — e.g. ${violation.request}`)).toEqual([]);
    expect(crashes).toEqual([]);
    expect(run.total).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(SERVICES.filter((service) => !routes.some((route) => route.service === service && !route.isPublic))).toEqual([]);
    expect(unreached.map((route) => route.id)).toEqual([]);
    expect(alive).toEqual(Object.fromEntries(Object.keys(alive).map((name) => [name, 200])));
    expect(opened).toBe(true);
    expect(polluted).toEqual([]);
  });
});
