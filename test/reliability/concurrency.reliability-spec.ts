import { agentPrincipal, bearer, opsPrincipal } from '@app/auth/testing';
import type { Principal } from '@app/auth';
import { expectEventually } from '@app/testing/eventually';
import { recordScenario } from '@app/testing/reliability-report';
import { ServiceHarness } from '@app/testing/service-harness';
import request from 'supertest';

/** Many people at once on one complaint: one consistent outcome, and every loser told why. */
describe('concurrency on one complaint', () => {
  const harness = new ServiceHarness({ services: ['intake', 'workflow'], env: { HTTP_RATE_LIMIT_PER_MINUTE: '1000000' } });
  const ops = opsPrincipal();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop());

  const as = (principal: Principal) => bearer(harness.tokens.for(principal));
  const workflow = () => request(harness.http('workflow'));

  /** An unowned email complaint, opened in workflow. */
  async function emailComplaint(): Promise<string> {
    const { plainEmail } = await import('@app/testing/channel-factories');
    const { KafkaProducer } = await import('@app/messaging');
    const email = await plainEmail({ date: new Date() });
    const producer = new KafkaProducer(harness.kafka);
    await producer.send(harness.topics.email, [{ key: email.messageId, value: email.raw }]);
    await producer.disconnect();
    return expectEventually(async () => {
      const queue = await workflow().get('/complaints?queue=unowned&limit=200').set('Authorization', as(ops)).expect(200);
      const [item] = queue.body.items as Array<{ id: string }>;
      expect(item).toBeDefined();
      return item!.id;
    });
  }

  it('of 50 simultaneous claims exactly one wins; the 49 others get 409 naming the winner', async () => {
    const id = await emailComplaint();
    const agents = Array.from({ length: 50 }, () => agentPrincipal());
    const answers = await Promise.all(agents.map((agent) => workflow().post(`/complaints/${id}/claim`).set('Authorization', as(agent))));
    const winners = answers.filter((answer) => answer.status === 200);
    const losers = answers.filter((answer) => answer.status !== 200);
    const owner = winners[0]?.body.ownerId as string | undefined;
    const consistent =
      winners.length === 1 &&
      losers.every((answer) => answer.status === 409 && answer.body.ownerId === owner && typeof answer.body.message === 'string');
    const stored = await workflow().get(`/complaints/${id}`).set('Authorization', as(ops)).expect(200);
    const claims = (await harness
      .dataSource('workflow')
      .query(`SELECT count(*)::int AS n FROM complaint_history WHERE complaint_id = $1 AND kind = 'ownership.claimed'`, [id])) as Array<{ n: number }>;
    recordScenario({
      scenario: 'concurrent claims',
      load: '50 simultaneous claims of one complaint',
      faults: 'races',
      messagesIn: 50,
      complaintsStored: 1,
      lost: 0,
      duplicated: Math.max(0, (claims[0]?.n ?? 0) - 1),
      result: consistent && stored.body.ownerId === owner && claims[0]?.n === 1 ? 'pass' : 'fail',
    });
    expect(winners).toHaveLength(1);
    expect(losers.map((answer) => [answer.status, answer.body.ownerId])).toEqual(losers.map(() => [409, owner]));
    expect(stored.body.ownerId).toBe(owner);
    expect(claims[0]?.n).toBe(1);
  });

  it('of simultaneous conflicting lifecycle actions one takes effect; the others get 409 with the state they met', async () => {
    const id = await emailComplaint();
    const agent = agentPrincipal();
    await workflow().post(`/complaints/${id}/claim`).set('Authorization', as(agent)).expect(200);
    await workflow().post(`/complaints/${id}/actions`).set('Authorization', as(agent)).send({ action: 'start' }).expect(200);
    const actions = Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0 ? { action: 'wait_for_customer' } : { action: 'resolve', resolution: { summary: `Resolution ${index}` } },
    );
    const answers = await Promise.all(
      actions.map((body) => workflow().post(`/complaints/${id}/actions`).set('Authorization', as(agent)).send(body)),
    );
    const applied = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    const stored = await workflow().get(`/complaints/${id}`).set('Authorization', as(ops)).expect(200);
    const changes = (await harness
      .dataSource('workflow')
      .query(`SELECT detail->>'to' AS state FROM complaint_history WHERE complaint_id = $1 AND kind = 'state.changed' ORDER BY id`, [id])) as Array<{ state: string }>;
    // After `start`, each applied action moves the state once; every refusal names a state that existed.
    const states = changes.map((change) => change.state);
    const consistent =
      applied.length === states.length - 1 &&
      stored.body.state === states[states.length - 1] &&
      refused.every((answer) => answer.status === 409 && states.includes(answer.body.currentState as string));
    recordScenario({
      scenario: 'conflicting lifecycle actions',
      load: '50 simultaneous actions (wait, resolve) on one complaint',
      faults: 'races',
      messagesIn: 50,
      complaintsStored: 1,
      lost: 0,
      duplicated: 0,
      result: consistent ? 'pass' : 'fail',
    });
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(applied.length).toBe(states.length - 1);
    expect(stored.body.state).toBe(states[states.length - 1]);
    for (const answer of refused) {
      expect(answer.status).toBe(409);
      expect(states).toContain(answer.body.currentState);
    }
  });
});
