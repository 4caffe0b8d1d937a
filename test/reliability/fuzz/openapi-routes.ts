import { ROLES, type Role } from '@app/auth';
import type { ServiceName } from '@app/config';
import { OPENAPI_JSON_PATH } from '@app/platform';
import { sendRaw, type Endpoint } from './raw-http';

/** A JSON Schema as the OpenAPI documents carry it; only the keywords the fuzzer reads are named. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
}

interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly schema?: JsonSchema;
}

/** A documented query or header parameter, with its schema when the document gives one. */
export interface FuzzParameter {
  readonly name: string;
  readonly schema: JsonSchema | null;
}

interface OpenApiOperation {
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>> };
  readonly responses?: Readonly<Record<string, { readonly description?: string }>>;
  readonly security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** One operation of one service, as the fuzzer drives it. */
export interface FuzzRoute {
  /** e.g. "workflow POST /complaints/{id}/actions" */
  readonly id: string;
  readonly service: ServiceName;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. /complaints/{id}/actions. */
  readonly template: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly FuzzParameter[];
  readonly headerParams: readonly FuzzParameter[];
  /** The documented JSON request body, or null when the operation documents none. */
  readonly bodySchema: JsonSchema | null;
  /** Whether the operation is reachable without a token. */
  readonly isPublic: boolean;
  /** The roles the operation is documented for; every role for public operations. */
  readonly roles: readonly Role[];
  /** Whether the operation answers with a never-ending event stream (Server-Sent Events). */
  readonly streams: boolean;
}

// The role guard documents its 403 as "Only for roles: agent, ops (reason role_forbidden)".
const ROLES_IN_DESCRIPTION = /roles?:\s*([a-z_,\s]+)/i;

function documentedRoles(operation: OpenApiOperation): readonly Role[] {
  const match = ROLES_IN_DESCRIPTION.exec(operation.responses?.['403']?.description ?? '');
  const named = (match?.[1] ?? '').split(/[,\s]+/).filter((name): name is Role => (ROLES as readonly string[]).includes(name));
  return named.length > 0 ? named : ROLES;
}

function jsonBodySchema(operation: OpenApiOperation): JsonSchema | null {
  const content = operation.requestBody?.content ?? {};
  const json = Object.entries(content).find(([mediaType]) => mediaType.includes('json'));
  return json?.[1].schema ?? null;
}

function parametersIn(operation: OpenApiOperation, where: OpenApiParameter['in']): FuzzParameter[] {
  return (operation.parameters ?? []).filter((parameter) => parameter.in === where).map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? null }));
}

export function routeId(service: ServiceName, method: HttpMethod, template: string): string {
  return `${service} ${method} ${template}`;
}

/** Every operation of an OpenAPI document, with what the fuzzer needs to know about it. */
export function routesOf(service: ServiceName, document: OpenApiDocument): Array<Omit<FuzzRoute, 'streams'>> {
  const routes: Array<Omit<FuzzRoute, 'streams'>> = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [name, operation] of Object.entries(operations)) {
      const method = name.toUpperCase() as HttpMethod;
      if (!METHODS.includes(method)) continue;
      const isPublic = operation.security === undefined || operation.security.length === 0;
      routes.push({
        id: routeId(service, method, template),
        service,
        method,
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? ''),
        queryParams: parametersIn(operation, 'query'),
        headerParams: parametersIn(operation, 'header'),
        bodySchema: jsonBodySchema(operation),
        isPublic,
        roles: isPublic ? ROLES : documentedRoles(operation),
      });
    }
  }
  return routes;
}

/** The service's OpenAPI document, read the way a client reads it. */
export async function fetchOpenApi(endpoint: Endpoint): Promise<OpenApiDocument> {
  const response = await sendRaw(endpoint, { method: 'GET', path: `/${OPENAPI_JSON_PATH}`, headers: {} }, { timeoutMs: 10_000 });
  if (response.status !== 200) throw new Error(`GET /${OPENAPI_JSON_PATH} answered ${response.status}`);
  return JSON.parse(response.body.toString('utf8')) as OpenApiDocument;
}

/** Fills a path template with values that are already encoded for the request line. */
export function fillPath(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => values[name] ?? 'x');
}
