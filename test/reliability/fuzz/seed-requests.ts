import type { Role } from '@app/auth';
import type { ServiceName } from '@app/config';
import type { HttpMethod } from './openapi-routes';

/** A request the API accepts, made once before fuzzing: its body becomes a seed of its route. */
export interface SeedRequest {
  readonly service: ServiceName;
  readonly method: HttpMethod;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly as: Role;
  readonly body: unknown;
}

/** Complaints as agents register them: two critical ones in a store (escalated at once), then ordinary ones. */
export function complaintBodies(stores: readonly [string, string]): Array<Record<string, unknown>> {
  return [
    {
      callerNumber: '+44 7400 100001',
      storeId: stores[0],
      category: 'food_safety',
      severity: 'critical',
      description: 'The chicken I bought here made my child ill.',
      callStartedAt: new Date().toISOString(),
    },
    { callerNumber: '+44 7400 100002', callerEmail: 'sam.okafor@example.com', storeId: stores[0], category: 'food_safety', severity: 'critical', description: 'Mould on the bread, bought this morning.' },
    { callerNumber: '07400 100003', storeId: stores[1], category: 'service', severity: 'normal', subject: 'Queue', description: 'Nobody answered at the counter for twenty minutes.', locale: 'en-GB' },
    { callerNumber: '+44 (0)7400 100004', loyaltyId: 'L-100004', category: 'product_quality', description: 'The kettle stopped working after a week.' },
  ];
}

/**
 * One complaint taken through its life by its owner and by operations, a store calendar set and the
 * scenario figures asked for: every other route that takes a body, with a body it accepts.
 */
export function seedRequests({ complaintId, storeId, agent, ops }: { complaintId: string; storeId: string; agent: string; ops: string }): SeedRequest[] {
  const complaint = { service: 'workflow' as const, method: 'POST' as const, params: { id: complaintId } };
  return [
    { ...complaint, template: '/complaints/{id}/notes', as: 'agent', body: { body: 'Called the customer back; they will send a photo of the receipt.' } },
    { ...complaint, template: '/complaints/{id}/handovers', as: 'agent', body: { to: ops, reason: 'Going off shift; the customer expects a call at five.' } },
    { ...complaint, template: '/complaints/{id}/reassign', as: 'ops', body: { to: `${agent}-colleague`, reason: 'The owner went home ill.' } },
    { ...complaint, template: '/complaints/{id}/reassign', as: 'ops', body: { to: agent, reason: 'Back on shift after all.' } },
    // A complaint an agent registers is acknowledged already: the call was the first response.
    { ...complaint, template: '/complaints/{id}/actions', as: 'agent', body: { action: 'start' } },
    { ...complaint, template: '/complaints/{id}/actions', as: 'agent', body: { action: 'wait_for_customer' } },
    { ...complaint, template: '/complaints/{id}/actions', as: 'agent', body: { action: 'resume' } },
    {
      ...complaint,
      template: '/complaints/{id}/actions',
      as: 'agent',
      body: { action: 'resolve', resolution: { summary: 'Refunded the meal and apologised.', compensation: { type: 'refund', amount: 12.5, currency: 'GBP' } } },
    },
    {
      service: 'workflow',
      method: 'PUT',
      template: '/stores/{storeId}/calendar',
      params: { storeId },
      as: 'ops',
      body: { timeZone: 'Europe/London', openingHours: { '1': [{ open: '09:00', close: '17:30' }], '6': [{ open: '10:00', close: '16:00' }] }, holidays: ['2030-12-25'] },
    },
    { service: 'analytics', method: 'POST', template: '/analytics/what-if', params: {}, as: 'ops', body: { annualRevenue: 2_500_000, complaintRate: 0.05 } },
    {
      service: 'analytics',
      method: 'POST',
      template: '/analytics/experience-gaps/what-if',
      params: {},
      as: 'ops',
      body: [{ dimension: 'service', experience: 3.2, expectation: 4.1, importance: 0.4 }],
    },
  ];
}
