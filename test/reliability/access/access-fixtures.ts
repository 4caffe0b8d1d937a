import type { Principal } from '@app/auth';
import { agentPrincipal, bearer, opsPrincipal, storeManagerPrincipal } from '@app/auth/testing';
import { channelMessage, instoreTicket, plainEmail } from '@app/testing/channel-factories';
import { expectEventually } from '@app/testing/eventually';
import type { ServiceHarness } from '@app/testing/service-harness';
import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';
import type { AccessFixtures } from './access-table';

/** The callers of the matrix, each with the Authorization header it sends (none for `none`). */
export const CALLERS = ['none', 'expired', 'forged', 'agent', 'managerOfStore', 'managerOfOtherStore', 'ops'] as const;
export type Caller = (typeof CALLERS)[number];

export interface PreparedAccessData extends AccessFixtures {
  readonly principals: {
    readonly agent: Principal;
    readonly managerOfStore: Principal;
    readonly managerOfOtherStore: Principal;
    readonly ops: Principal;
  };
  readonly authorization: Readonly<Record<Caller, string | null>>;
  /** Store B's critical complaint was escalated to B's managers, then (unacknowledged) to operations. */
  readonly storeManagersEscalationB: string;
  readonly operationsEscalationB: string;
  /**
   * What belongs to each store and must never reach a manager of the other one: the store id, its
   * complaints' ids and references, its escalations' ids. (Alert ids are small sequence numbers, found
   * in any text; alerts are for operations only.)
   */
  readonly storeData: { readonly A: readonly string[]; readonly B: readonly string[] };
}

/** A UK mobile number libphonenumber accepts. */
function mobile(): string {
  return `+44 7400 ${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

interface ListedComplaint {
  readonly id: string;
  readonly reference: string;
  readonly storeId: string | null;
}

interface IdOf {
  readonly id: string;
  readonly complaintId: string;
  readonly storeId: string | null;
}

interface EscalationItem extends IdOf {
  readonly level: number;
}

const POLL = { timeoutMs: 60_000, intervalMs: 250 };

/**
 * Real data in two stores, made the way it arrives in production: store A has a critical complaint an
 * agent registered on the API (escalated to A's managers at once, with its alert) and an in-store
 * ticket from the channel topic; store B the same, its escalation left to climb to operations; and an
 * email with no store sits in the unowned queue. Returns once workflow has opened every complaint and
 * analytics has counted both stores.
 */
export async function prepareAccessData(harness: ServiceHarness): Promise<PreparedAccessData> {
  const suffix = randomBytes(4).toString('hex');
  const storeA = `SA-${suffix}`;
  const storeB = `SB-${suffix}`;
  const principals = {
    agent: agentPrincipal({ subject: `matrix-agent-${suffix}` }),
    managerOfStore: storeManagerPrincipal({ subject: `matrix-manager-a-${suffix}`, storeIds: [storeA] }),
    managerOfOtherStore: storeManagerPrincipal({ subject: `matrix-manager-b-${suffix}`, storeIds: [storeB] }),
    ops: opsPrincipal({ subject: `matrix-ops-${suffix}` }),
  };
  const tokens = harness.tokens;
  const authorization: Record<Caller, string | null> = {
    none: null,
    // The strongest role, so a 401 cannot be put down to the role.
    expired: bearer(tokens.expired(principals.ops)),
    forged: bearer(tokens.forged(principals.ops)),
    agent: bearer(tokens.for(principals.agent)),
    managerOfStore: bearer(tokens.for(principals.managerOfStore)),
    managerOfOtherStore: bearer(tokens.for(principals.managerOfOtherStore)),
    ops: bearer(tokens.for(principals.ops)),
  };
  const asOps = authorization.ops as string;
  const intake = () => request(harness.http('intake'));
  const workflow = () => request(harness.http('workflow'));

  const phoneA = mobile();
  const registered = async (agent: Principal, storeId: string, callerNumber: string) => {
    const response = await intake()
      .post('/complaints')
      .set('Authorization', bearer(tokens.for(agent)))
      .send({
        callerNumber,
        storeId,
        category: 'food_safety',
        severity: 'critical',
        description: 'The chicken I bought here made my child vomit all night.',
        callStartedAt: new Date().toISOString(),
      })
      .expect(202);
    return { id: response.body.complaintId as string, reference: response.body.reference as string };
  };
  const complaintA = await registered(principals.agent, storeA, phoneA);
  const complaintB = await registered(agentPrincipal({ subject: `matrix-agent-b-${suffix}` }), storeB, mobile());

  const producer = harness.kafka.producer();
  await producer.connect();
  try {
    const tickets = [storeA, storeB].map((storeId) =>
      instoreTicket({ storeId, customer: { phone: mobile() }, occurredAt: new Date().toISOString() }),
    );
    await producer.send({
      topic: harness.topics.instore,
      messages: tickets.map((ticket) => ({ key: `${ticket.storeId}/${ticket.receiptOrTicketNumber}`, value: channelMessage(ticket) })),
    });
    const email = await plainEmail({ from: `Matrix Customer <matrix.${suffix}@customer.example>`, date: new Date() });
    await producer.send({ topic: harness.topics.email, messages: [{ key: email.messageId, value: email.raw }] });
  } finally {
    await producer.disconnect();
  }

  const complaintsOf = async (storeId: string): Promise<ListedComplaint[]> =>
    expectEventually(async () => {
      const response = await intake().get(`/complaints?store=${storeId}`).set('Authorization', asOps).expect(200);
      const items = response.body.items as ListedComplaint[];
      expect(items).toHaveLength(2);
      return items;
    }, POLL);
  const inA = await complaintsOf(storeA);
  const inB = await complaintsOf(storeB);
  for (const complaint of [...inA, ...inB]) {
    await expectEventually(() => workflow().get(`/complaints/${complaint.id}`).set('Authorization', asOps).expect(200), POLL);
  }

  // Nobody acknowledges B's escalation: it climbs to operations (the harness runs a short acknowledgement window).
  const escalations = await expectEventually(async () => {
    const response = await workflow().get('/escalations?limit=500').set('Authorization', asOps).expect(200);
    const items = response.body.items as EscalationItem[];
    const levels = items.map((item) => `${item.complaintId}/${item.level}`);
    expect(levels).toEqual(expect.arrayContaining([`${complaintA.id}/1`, `${complaintB.id}/1`, `${complaintB.id}/2`]));
    return items;
  }, POLL);
  const alerts = await expectEventually(async () => {
    const response = await workflow().get('/alerts?limit=500').set('Authorization', asOps).expect(200);
    const items = response.body.items as IdOf[];
    expect(items.map((item) => item.complaintId)).toEqual(expect.arrayContaining([complaintA.id, complaintB.id]));
    return items;
  }, POLL);
  await expectEventually(async () => {
    const response = await request(harness.http('analytics')).get('/analytics/sla?segment=store').set('Authorization', asOps).expect(200);
    const stores = (response.body.items as Array<{ segment: { value: string } }>).map((item) => item.segment.value);
    expect(stores).toEqual(expect.arrayContaining([storeA, storeB]));
  }, POLL);

  const escalation = (complaintId: string, level: number): string => {
    const found = escalations.find((item) => item.complaintId === complaintId && item.level === level);
    if (found === undefined) throw new Error(`complaint ${complaintId} has no level-${level} escalation`);
    return found.id;
  };
  const alertA = alerts.find((item) => item.complaintId === complaintA.id);
  if (alertA === undefined) throw new Error('store A has no alert');
  const dataOf = (storeId: string, complaints: readonly ListedComplaint[]): string[] => {
    const ids = new Set(complaints.map((complaint) => complaint.id));
    return [
      storeId,
      ...complaints.flatMap((complaint) => [complaint.id, complaint.reference]),
      ...escalations.filter((item) => ids.has(item.complaintId)).map((item) => item.id),
    ];
  };
  return {
    storeA,
    storeB,
    complaintA,
    phoneA,
    escalationA: escalation(complaintA.id, 1),
    storeManagersEscalationB: escalation(complaintB.id, 1),
    operationsEscalationB: escalation(complaintB.id, 2),
    alertA: alertA.id,
    agentSubject: principals.agent.subject,
    principals,
    authorization,
    storeData: { A: dataOf(storeA, inA), B: dataOf(storeB, inB) },
  };
}
