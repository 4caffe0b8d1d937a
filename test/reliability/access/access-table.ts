import type { Role } from '@app/auth';
import type { ServiceName } from '@app/config';

/**
 * Who may call what: every HTTP route of the three services, once. The authorisation matrix is
 * generated from this table, and the table is checked against the services' OpenAPI documents, so a
 * route added without a row here fails the matrix.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT';

/**
 * How a route relates to stores:
 * - `store`: the request names one thing of store A (a complaint, an escalation, the store itself); a
 *   manager of another store gets 403 `store_forbidden`;
 * - `list`: the answer is filtered to what the caller may see; a manager of another store gets the
 *   answer a manager gets, with nothing of store A in it;
 * - `none`: nothing store-specific (the roles allowed are not store-scoped).
 */
export type StoreScope = 'store' | 'list' | 'none';

/** What an allowed caller gets: one of these statuses and, for a 4xx, one of these reasons. */
export interface Outcome {
  readonly status: readonly number[];
  readonly reasons?: readonly string[];
}

/** The data a request is built from: see access-fixtures.ts. */
export interface AccessFixtures {
  readonly storeA: string;
  readonly storeB: string;
  /** The critical complaint of store A, escalated to its managers, owned by the matrix's agent. */
  readonly complaintA: { readonly id: string; readonly reference: string };
  /** The phone number of complaint A's customer, as the agent typed it. */
  readonly phoneA: string;
  readonly escalationA: string;
  readonly alertA: string;
  readonly agentSubject: string;
}

export interface RouteRequest {
  readonly path: string;
  readonly body?: unknown;
}

export interface AccessRoute {
  readonly service: ServiceName;
  readonly method: HttpMethod;
  /** As in the OpenAPI document: `/complaints/{id}`. */
  readonly path: string;
  readonly scope: StoreScope;
  /** `public`: every caller, token or not, gets `publicOutcome`. Otherwise the roles allowed; any other role gets 403 role_forbidden. */
  readonly roles: 'public' | Partial<Record<Role, Outcome>>;
  readonly publicOutcome?: Outcome;
  /** Routes served outside the OpenAPI document (the Prometheus scrape). */
  readonly undocumented?: true;
  /** A Server-Sent Events stream: its status and headers are read, then the connection is closed. */
  readonly stream?: true;
  /** A `list` route whose answer to a manager of store A names store A's data (so the filter is seen to let it through). */
  readonly listsStoreData?: true;
  readonly request: (fixtures: AccessFixtures) => RouteRequest;
}

const ok = (...status: number[]): Outcome => ({ status });
const refused = (status: number[], reasons: string[]): Outcome => ({ status, reasons });

const PROBES = (['intake', 'workflow', 'analytics'] as const).flatMap((service): AccessRoute[] => [
  { service, method: 'GET', path: '/health', scope: 'none', roles: 'public', publicOutcome: ok(200), request: () => ({ path: '/health' }) },
  { service, method: 'GET', path: '/ready', scope: 'none', roles: 'public', publicOutcome: ok(200), request: () => ({ path: '/ready' }) },
  {
    service,
    method: 'GET',
    path: '/metrics',
    scope: 'none',
    roles: 'public',
    publicOutcome: ok(200),
    undocumented: true,
    request: () => ({ path: '/metrics' }),
  },
]);

/** Figures from complaints name the store segments they count; the survey-based ones have no surveys here. */
const FIGURES = (['sla', 'retention', 'silent-churn', 'revenue', 'experience-gaps', 'peak-end'] as const).map(
  (figure): AccessRoute => ({
    service: 'analytics',
    method: 'GET',
    path: `/analytics/${figure}`,
    scope: 'list',
    roles: { store_manager: ok(200), ops: ok(200) },
    ...(figure === 'silent-churn' || figure === 'experience-gaps' ? {} : { listsStoreData: true as const }),
    request: () => ({ path: `/analytics/${figure}` }),
  }),
);

const CALENDAR = {
  timeZone: 'Europe/London',
  openingHours: { '1': [{ open: '08:00', close: '20:00' }], '2': [{ open: '08:00', close: '20:00' }] },
  holidays: [],
};

/** Reads of a complaint by anyone who may see it; every role may ask. */
const EVERY_ROLE_OK = { agent: ok(200), store_manager: ok(200), ops: ok(200) };

export const ACCESS_TABLE: readonly AccessRoute[] = [
  ...PROBES,

  // ---- intake ----
  {
    service: 'intake',
    method: 'POST',
    path: '/complaints',
    scope: 'none',
    roles: { agent: ok(202) },
    request: () => ({
      path: '/complaints',
      body: { callerNumber: '+44 7400 900999', category: 'service', description: 'Registered by the authorisation matrix.' },
    }),
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/complaints/{idOrReference}',
    scope: 'store',
    roles: EVERY_ROLE_OK,
    request: (f) => ({ path: `/complaints/${f.complaintA.reference}` }),
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/complaints',
    scope: 'list',
    roles: EVERY_ROLE_OK,
    listsStoreData: true,
    request: (f) => ({ path: `/complaints?phone=${encodeURIComponent(f.phoneA)}&limit=100` }),
  },

  // ---- workflow: complaints ----
  {
    service: 'workflow',
    method: 'GET',
    path: '/complaints',
    scope: 'list',
    roles: EVERY_ROLE_OK,
    listsStoreData: true,
    request: () => ({ path: '/complaints?limit=200' }),
  },
  {
    service: 'workflow',
    method: 'GET',
    path: '/complaints/{id}',
    scope: 'store',
    roles: EVERY_ROLE_OK,
    request: (f) => ({ path: `/complaints/${f.complaintA.id}` }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/complaints/{id}/claim',
    scope: 'store',
    // The agent who registered it owns it already.
    roles: { agent: refused([409], ['already_owned']), ops: refused([409], ['already_owned']) },
    request: (f) => ({ path: `/complaints/${f.complaintA.id}/claim` }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/complaints/{id}/actions',
    scope: 'store',
    // The owner, a manager of the store it was escalated to, and operations may act; the first one
    // acknowledges it, the others find it acknowledged already.
    roles: {
      agent: refused([200, 409], ['illegal_transition']),
      store_manager: refused([200, 409], ['illegal_transition']),
      ops: refused([200, 409], ['illegal_transition']),
    },
    request: (f) => ({ path: `/complaints/${f.complaintA.id}/actions`, body: { action: 'acknowledge' } }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/complaints/{id}/notes',
    scope: 'store',
    roles: { agent: ok(201), store_manager: ok(201), ops: ok(201) },
    request: (f) => ({ path: `/complaints/${f.complaintA.id}/notes`, body: { body: 'Note from the authorisation matrix.' } }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/complaints/{id}/handovers',
    scope: 'store',
    // Only the owner may propose; a second proposal waits behind the first.
    roles: {
      agent: refused([201, 409], ['handover_pending']),
      store_manager: refused([403], ['not_owner']),
      ops: refused([403], ['not_owner']),
    },
    request: (f) => ({ path: `/complaints/${f.complaintA.id}/handovers`, body: { to: 'matrix-receiver', reason: 'End of shift.' } }),
  },
  ...(['accept', 'decline'] as const).map(
    (answer): AccessRoute => ({
      service: 'workflow',
      method: 'POST',
      path: `/complaints/{id}/handovers/${answer}`,
      scope: 'store',
      // The hand-over is addressed to someone else (or there is none yet).
      roles: {
        agent: refused([403, 409], ['not_handover_receiver', 'no_pending_handover']),
        store_manager: refused([403, 409], ['not_handover_receiver', 'no_pending_handover']),
        ops: refused([403, 409], ['not_handover_receiver', 'no_pending_handover']),
      },
      request: (f) => ({ path: `/complaints/${f.complaintA.id}/handovers/${answer}` }),
    }),
  ),
  {
    service: 'workflow',
    method: 'POST',
    path: '/complaints/{id}/reassign',
    scope: 'store',
    roles: { ops: refused([409], ['already_owner']) },
    request: (f) => ({ path: `/complaints/${f.complaintA.id}/reassign`, body: { to: f.agentSubject, reason: 'Matrix check.' } }),
  },

  // ---- workflow: alerts, escalations, stores ----
  { service: 'workflow', method: 'GET', path: '/alerts', scope: 'none', roles: { ops: ok(200) }, request: () => ({ path: '/alerts' }) },
  {
    service: 'workflow',
    method: 'GET',
    path: '/alerts/stream',
    scope: 'none',
    roles: { ops: ok(200) },
    stream: true,
    request: () => ({ path: '/alerts/stream' }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/alerts/{id}/acknowledge',
    scope: 'none',
    roles: { ops: ok(200) },
    request: (f) => ({ path: `/alerts/${f.alertA}/acknowledge` }),
  },
  {
    service: 'workflow',
    method: 'GET',
    path: '/escalations',
    scope: 'list',
    roles: { store_manager: ok(200), ops: ok(200) },
    listsStoreData: true,
    request: () => ({ path: '/escalations' }),
  },
  {
    service: 'workflow',
    method: 'POST',
    path: '/escalations/{id}/acknowledge',
    scope: 'store',
    roles: { store_manager: ok(200), ops: ok(200) },
    request: (f) => ({ path: `/escalations/${f.escalationA}/acknowledge` }),
  },
  {
    service: 'workflow',
    method: 'PUT',
    path: '/stores/{storeId}/calendar',
    scope: 'none',
    roles: { ops: ok(200) },
    request: (f) => ({ path: `/stores/${f.storeA}/calendar`, body: CALENDAR }),
  },
  {
    service: 'workflow',
    method: 'GET',
    path: '/stores/{storeId}/calendar',
    scope: 'store',
    roles: { store_manager: ok(200), ops: ok(200) },
    request: (f) => ({ path: `/stores/${f.storeA}/calendar` }),
  },

  // ---- analytics ----
  ...FIGURES,
  {
    service: 'analytics',
    method: 'POST',
    path: '/analytics/what-if',
    scope: 'none',
    roles: { ops: ok(200) },
    request: () => ({ path: '/analytics/what-if', body: {} }),
  },
  {
    service: 'analytics',
    method: 'POST',
    path: '/analytics/experience-gaps/what-if',
    scope: 'none',
    roles: { ops: ok(200) },
    request: () => ({
      path: '/analytics/experience-gaps/what-if',
      body: [{ dimension: 'service', experience: 3, expectation: 4, importance: 1 }],
    }),
  },
  {
    service: 'analytics',
    method: 'POST',
    path: '/analytics/recompute',
    scope: 'none',
    roles: { ops: refused([202, 409], ['recompute_running']) },
    request: () => ({ path: '/analytics/recompute' }),
  },
  {
    service: 'analytics',
    method: 'GET',
    path: '/analytics/recompute',
    scope: 'none',
    roles: { ops: refused([200, 404], ['no_recompute']) },
    request: () => ({ path: '/analytics/recompute' }),
  },
];
