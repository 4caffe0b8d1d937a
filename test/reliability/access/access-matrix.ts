import type { Role } from '@app/auth';
import type { ServiceName } from '@app/config';
import type { ServiceHarness } from '@app/testing/service-harness';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CALLERS, type Caller, type PreparedAccessData } from './access-fixtures';
import type { AccessRoute, Outcome, RouteRequest } from './access-table';

/** What the table says one caller gets from one route. */
export function expectedOutcome(route: AccessRoute, caller: Caller, data: PreparedAccessData): Outcome {
  if (route.roles === 'public') return route.publicOutcome ?? { status: [200] };
  switch (caller) {
    case 'none':
      return { status: [401], reasons: ['token_missing'] };
    case 'expired':
      return { status: [401], reasons: ['token_expired'] };
    case 'forged':
      return { status: [401], reasons: ['token_invalid'] };
  }
  const role: Role = data.principals[caller].role;
  const allowed = route.roles[role];
  if (allowed === undefined) return { status: [403], reasons: ['role_forbidden'] };
  if (caller === 'managerOfOtherStore' && route.scope === 'store') return { status: [403], reasons: ['store_forbidden'] };
  return allowed;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly reason: unknown;
}

function listening(server: Server): Promise<AddressInfo> {
  if (server.listening) return Promise.resolve(server.address() as AddressInfo);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo)));
}

/** Opens an event stream, keeps its status (and the body, when it is not a stream), and closes it. */
async function openStream(server: Server, path: string, authorization: string | null): Promise<Answer> {
  const { port } = await listening(server);
  return new Promise((resolve, reject) => {
    const outgoing = http.get(
      { host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream', ...(authorization === null ? {} : { Authorization: authorization }) } },
      (response) => {
        const status = response.statusCode ?? 0;
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          outgoing.destroy();
          resolve({ status, text: '', reason: undefined });
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status, text, reason: reasonOf(text) }));
      },
    );
    outgoing.on('error', reject);
  });
}

function reasonOf(text: string): unknown {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && 'reason' in body ? body.reason : undefined;
  } catch {
    return undefined;
  }
}

export async function send(harness: ServiceHarness, route: AccessRoute, built: RouteRequest, authorization: string | null): Promise<Answer> {
  const server = harness.http(route.service) as Server;
  if (route.stream === true) return openStream(server, built.path, authorization);
  const agent = request(server);
  let call = route.method === 'GET' ? agent.get(built.path) : route.method === 'POST' ? agent.post(built.path) : agent.put(built.path);
  if (authorization !== null) call = call.set('Authorization', authorization);
  const response = built.body === undefined ? await call : await call.send(built.body as object);
  return { status: response.status, text: response.text, reason: reasonOf(response.text) };
}

/** What a manager must never find in an answer: the other store's data the request did not name itself. */
export function foreignData(caller: Caller, built: RouteRequest, data: PreparedAccessData): readonly string[] {
  const foreign = caller === 'managerOfOtherStore' ? data.storeData.A : caller === 'managerOfStore' ? data.storeData.B : [];
  const asked = `${built.path} ${JSON.stringify(built.body ?? null)}`;
  return foreign.filter((value) => !asked.includes(value));
}

export interface MatrixCell {
  readonly route: AccessRoute;
  readonly caller: Caller;
  readonly expected: Outcome;
  readonly answer: Answer;
  readonly problems: readonly string[];
}

export function describeRoute(route: Pick<AccessRoute, 'service' | 'method' | 'path'>): string {
  return `${route.service} ${route.method} ${route.path}`;
}

/** Every route of the table called by every caller, in table order, with what was wrong with each answer. */
export async function runMatrix(harness: ServiceHarness, table: readonly AccessRoute[], data: PreparedAccessData): Promise<MatrixCell[]> {
  const cells: MatrixCell[] = [];
  for (const route of table) {
    for (const caller of CALLERS) {
      const built = route.request(data);
      const expected = expectedOutcome(route, caller, data);
      const answer = await send(harness, route, built, data.authorization[caller]);
      const problems: string[] = [];
      if (!expected.status.includes(answer.status)) {
        problems.push(`status ${answer.status} (reason ${String(answer.reason)}), expected ${expected.status.join(' or ')}`);
      } else if (answer.status >= 400 && expected.reasons !== undefined && !expected.reasons.includes(String(answer.reason))) {
        problems.push(`reason ${String(answer.reason)}, expected ${expected.reasons.join(' or ')}`);
      }
      const leaked = foreignData(caller, built, data).filter((value) => answer.text.includes(value));
      if (leaked.length > 0) problems.push(`answer carries the other store's ${leaked.join(', ')}`);
      if (route.listsStoreData === true && caller === 'managerOfStore' && answer.status === 200 && !data.storeData.A.some((value) => answer.text.includes(value))) {
        problems.push("a manager of store A does not find store A's data in the list");
      }
      cells.push({ route, caller, expected, answer, problems });
    }
  }
  return cells;
}

export interface DocumentedOperation {
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  readonly bearer: boolean;
}

/** Every operation of each service's OpenAPI document (GET /docs-json). */
export async function documentedOperations(harness: ServiceHarness, services: readonly ServiceName[]): Promise<DocumentedOperation[]> {
  const operations: DocumentedOperation[] = [];
  for (const service of services) {
    const response = await request(harness.http(service)).get('/docs-json').expect(200);
    const paths = response.body.paths as Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const bearer = (operation.security ?? []).some((requirement) => 'bearer' in requirement);
        operations.push({ service, method: method.toUpperCase(), path, bearer });
      }
    }
  }
  return operations;
}
