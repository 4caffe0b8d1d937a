import { expectEventually } from '@app/testing/eventually';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import request from 'supertest';
import { CALLERS, prepareAccessData, type PreparedAccessData } from './access/access-fixtures';
import { describeRoute, documentedOperations, runMatrix, type MatrixCell } from './access/access-matrix';
import { ACCESS_TABLE } from './access/access-table';

/**
 * The authorisation matrix: every route of the three services (one table, checked against their OpenAPI
 * documents) called with no token, an expired one, a forged one, and as each role, including a store
 * manager of another store, on real data in two stores. Each answer must be the status the table gives,
 * and no answer to a store manager may carry the other store's data.
 */
describe('authorisation matrix', () => {
  // A short acknowledgement window: an escalation nobody acknowledges climbs to operations within the run.
  const harness = new ServiceHarness({ env: { WORKFLOW_ESCALATION_ACK_MS: '1500' } });
  let data: PreparedAccessData;

  beforeAll(async () => {
    await harness.start();
    data = await prepareAccessData(harness);
  }, 300_000);
  afterAll(async () => {
    if (data !== undefined) {
      // The matrix starts a recompute: let it finish rather than drop its schema from under it.
      const ops = data.authorization.ops as string;
      await expectEventually(
        async () => {
          const response = await request(harness.http('analytics')).get('/analytics/recompute').set('Authorization', ops);
          expect(['done', 'failed', undefined]).toContain(response.body.state);
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch(() => undefined);
    }
    await harness.stop();
  });

  it('has one row for every route the services document, and documents every row it has', async () => {
    const documented = await documentedOperations(harness, ['intake', 'workflow', 'analytics']);
    const key = (route: { service: string; method: string; path: string }) => `${route.service} ${route.method} ${route.path}`;
    const inTable = new Set(ACCESS_TABLE.map(key));
    const inDocuments = new Set(documented.map(key));

    expect(documented.filter((operation) => !inTable.has(key(operation))).map(key)).toEqual([]);
    expect(ACCESS_TABLE.filter((route) => route.undocumented !== true && !inDocuments.has(key(route))).map(key)).toEqual([]);
    expect(new Set(ACCESS_TABLE.map(key)).size).toBe(ACCESS_TABLE.length);
    // The documents tell clients which routes need a token: exactly the ones the table does not make public.
    const publicInTable = new Set(ACCESS_TABLE.filter((route) => route.roles === 'public').map(key));
    expect(documented.filter((operation) => operation.bearer === publicInTable.has(key(operation))).map(key)).toEqual([]);
  });

  it('answers every route and caller as the table says, and never with the other store\'s data', async () => {
    const started = Date.now();
    let cells: MatrixCell[] = [];
    try {
      cells = await runMatrix(harness, ACCESS_TABLE, data);
    } finally {
      const failed = cells.filter((cell) => cell.problems.length > 0);
      const leaks = failed.filter((cell) => cell.problems.some((problem) => problem.includes("other store's")));
      recordScenario({
        scenario: 'authorisation matrix',
        load: `${cells.length} requests = ${ACCESS_TABLE.length} routes × ${CALLERS.length} callers (${Math.round((Date.now() - started) / 1000)} s)`,
        faults: `no/expired/forged tokens, wrong roles, other store${leaks.length > 0 ? `; ${leaks.length} answers leaked the other store's data` : ''}`,
        messagesIn: cells.length,
        complaintsStored: 0,
        lost: 0,
        duplicated: 0,
        result: cells.length === ACCESS_TABLE.length * CALLERS.length && failed.length === 0 ? 'pass' : 'fail',
      });
    }

    expect(cells).toHaveLength(ACCESS_TABLE.length * CALLERS.length);
    const report = cells
      .filter((cell) => cell.problems.length > 0)
      .map((cell) => `${describeRoute(cell.route)} as ${cell.caller}: ${cell.problems.join('; ')}`);
    expect(report).toEqual([]);
    // Each kind of caller met each kind of answer somewhere, so the matrix cannot pass by answering one thing.
    const statuses = (caller: string) => new Set(cells.filter((cell) => cell.caller === caller).map((cell) => cell.answer.status));
    expect([...statuses('none')].sort((a, b) => a - b)).toEqual([200, 401]);
    expect([...statuses('managerOfOtherStore')]).toEqual(expect.arrayContaining([200, 403]));
    expect(cells.filter((cell) => cell.answer.reason === 'store_forbidden').length).toBeGreaterThan(0);
    expect(cells.filter((cell) => cell.answer.reason === 'role_forbidden').length).toBeGreaterThan(0);
  });

  it('lets a store manager acknowledge only the escalations raised to the managers of their store', async () => {
    const acknowledge = (escalationId: string, authorization: string | null) =>
      request(harness.http('workflow'))
        .post(`/escalations/${escalationId}/acknowledge`)
        .set('Authorization', authorization ?? '');
    const managerOfA = data.authorization.managerOfStore;
    const managerOfB = data.authorization.managerOfOtherStore;

    // B's manager: the level-1 escalation went to them, the level-2 one to operations.
    const toOperations = await acknowledge(data.operationsEscalationB, managerOfB).expect(403);
    expect(toOperations.body.reason).toBe('not_escalation_audience');
    await acknowledge(data.storeManagersEscalationB, managerOfB).expect(200);
    // A's manager learns nothing of store B's escalations.
    const foreign = await acknowledge(data.operationsEscalationB, managerOfA).expect(403);
    expect(foreign.body.reason).toBe('store_forbidden');
    expect(foreign.text).not.toContain(data.storeB);
    await acknowledge(data.operationsEscalationB, data.authorization.ops).expect(200);
  });
});
