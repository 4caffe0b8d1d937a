import { ROLES, type Role } from '@app/auth';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { anyText, mutate, mutationOf, nastyValue, POLLUTING_KEYS, schemaValue, toJsonText } from './json-arbitraries';
import { fillPath, type FuzzRoute } from './openapi-routes';
import type { RawRequest } from './raw-http';

/** Authorization header values minted once for the run. */
export interface Credentials {
  /** `Bearer <token>` of a principal of each role (the store manager's stores hold the real complaints). */
  readonly byRole: Readonly<Record<Role, string>>;
  /** Correctly formed bearer values that are expired, forged, or signed over claims no issuer should write. */
  readonly doubtful: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

export interface FuzzContext {
  readonly credentials: Credentials;
  /** Ids that exist, by the first segment of the path they belong under (complaints, alerts, stores…). */
  readonly realIds: Readonly<Record<string, readonly string[]>>;
  /** Field and parameter names the API uses anywhere, for bodies and queries without a documented shape. */
  readonly names: readonly string[];
  /** String values the API knows (enums, constants, real ids): for queries that get past validation. */
  readonly words: readonly string[];
  /** Bodies each route accepted during setup (by route id): valid starting points for mutation. */
  readonly seeds: Readonly<Record<string, readonly unknown[]>>;
}

export interface FuzzRequest {
  readonly route: FuzzRoute;
  /** What the Authorization header was, for reports: "allowed ops", "doubtful (expired)", "none"… */
  readonly auth: string;
  readonly request: RawRequest;
}

/** Bytes Node's HTTP client sends as they are in a header value: no CR, LF or NUL. */
const headerUnit = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((code) => String.fromCharCode(code));
const headerText = (maxLength: number) => fc.string({ unit: headerUnit, maxLength });
const b64Text = (maxLength: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9._~+/=-]{0,${maxLength}}$`));

interface Authorization {
  readonly label: string;
  readonly value: string | null;
}

function authorization(route: FuzzRoute, credentials: Credentials): fc.Arbitrary<Authorization> {
  const others = ROLES.filter((role) => !route.roles.includes(role));
  const token = fc.constantFrom(...route.roles).map((role) => credentials.byRole[role].slice('Bearer '.length));
  const malformed: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer null', 'Basic dXNlcjpwYXNzd29yZA==', 'Token abc', 'Bearer a.b.c', 'Bearer ....', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
    b64Text(300).map((text) => `Bearer ${text}`),
    headerText(300),
    token.map((value) => `bearer  ${value} `),
    token.map((value) => `Bearer ${value}.extra`),
    token.map((value) => `Bearer ${value.slice(0, -3)}`),
    fc.tuple(token, fc.nat(), fc.constantFrom('A', 'z', '-', '_')).map(([value, at, char]) => {
      const index = at % value.length;
      return `Bearer ${value.slice(0, index)}${char}${value.slice(index + 1)}`;
    }),
  );
  const choices: Array<fc.WeightedArbitrary<Authorization>> = [
    { weight: 16, arbitrary: fc.constantFrom(...route.roles).map((role) => ({ label: `allowed ${role}`, value: credentials.byRole[role] })) },
    { weight: 1, arbitrary: fc.constantFrom(...credentials.doubtful).map(({ label, value }) => ({ label: `doubtful (${label})`, value })) },
    { weight: 1, arbitrary: malformed.map((value) => ({ label: 'malformed', value })) },
    { weight: 1, arbitrary: fc.constant({ label: 'none', value: null }) },
  ];
  if (others.length > 0) choices.push({ weight: 1, arbitrary: fc.constantFrom(...others).map((role) => ({ label: `wrong role ${role}`, value: credentials.byRole[role] })) });
  return fc.oneof(...choices);
}

/** Malformed percent-escapes and bytes that trip URL decoders. */
const BROKEN_ESCAPES: readonly string[] = ['%', '%%', '%E0%A4%A', '%zz', '%C3', '%C3%28', '%FF%FE', '%00', '%2F', '%5C', '%0A', '%ED%A0%80', '%F4%90%80%80', '%C0%AF'];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Percent-encoded UTF-8; a lone surrogate, which UTF-8 cannot carry, goes as U+FFFD. */
function percentEncoded(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

/** Encodes text for a request line, in one of the ways real clients (and attackers) do it. */
function encoded(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: text.map(percentEncoded) },
    // Bytes 0x21–0xff go on the wire as they are (Node writes the request line as latin1).
    { weight: 1, arbitrary: text.map((value) => [...value].map((char) => (/^[\u0021-\u00ff]$/.test(char) && !'?#&='.includes(char) ? char : percentEncoded(char))).join('')) },
    { weight: 1, arbitrary: fc.tuple(text, fc.constantFrom(...BROKEN_ESCAPES)).map(([value, escape]) => `${percentEncoded(value)}${escape}`) },
  );
}

const NUMERIC_TEXTS: readonly string[] = ['0', '-1', '1', '5', '20', '100', '101', '1.5', '1e400', '-1e400', 'Infinity', '-Infinity', 'NaN', '0x10', '0b1', ' 5', '5 ', '+1', '00001', '1e21', '9'.repeat(25), '9223372036854775807', '9223372036854775808', '-9223372036854775809', '999999999999999999'];

function pathValue(route: FuzzRoute, context: FuzzContext): fc.Arbitrary<string> {
  const resource = route.template.split('/')[1] ?? '';
  const real = context.realIds[resource] ?? [];
  const fuzzed = fc.oneof(
    fc.uuid(),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.uuid().map((id) => `{${id}}`),
    fc.uuid().map((id) => id.replace(/-/g, '')),
    fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '------------------------------------', 'C-0000-0000', 'c-7k4q-2m9d', '.', '..', '%2e%2e', 'null', 'undefined'),
    fc.constantFrom(...NUMERIC_TEXTS).map(encodeURIComponent),
    encoded(anyText),
    fc.constantFrom(...BROKEN_ESCAPES),
    fc.constantFrom(100, 1_000, 5_000).map((n) => 'a'.repeat(n)),
  );
  return real.length === 0 ? fuzzed : fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...real).map(encodeURIComponent) }, { weight: 3, arbitrary: fuzzed });
}

/** A documented query parameter's value as a query string carries it. */
function queryText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

function queryString(route: FuzzRoute, context: FuzzContext): fc.Arbitrary<string> {
  const names = [...new Set([...route.queryParams.map((parameter) => parameter.name), ...context.names])];
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((name) => `${name}[]`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...names, ...POLLUTING_KEYS), fc.constantFrom(...names)).map(([outer, inner]) => `${outer}[${inner}]`) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_KEYS) },
    { weight: 1, arbitrary: anyText },
  );
  const plausible = fc.constantFrom(...context.words, ...NUMERIC_TEXTS.slice(0, 7), '2024-01-31', '2024-01-31T10:00:00Z', 'me', 'open');
  const cursorLike = fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
  // Opaque tokens (page cursors) are often base64 of JSON: pairs of an instant and an id, each odd.
  const instant = fc.oneof(
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.constantFrom('0000-01-01T00:00:00Z', '2024', '1', 'Tue, 01 Jan 2030 00:00:00 GMT', '2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z'),
    anyText,
  );
  const id = fc.oneof(fc.uuid(), fc.constantFrom('-'.repeat(36), '0'.repeat(36)), fc.stringMatching(/^[0-9a-f-]{36}$/));
  const dateLike = fc.tuple(instant, id).map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'));
  const value = fc.oneof(
    { weight: 5, arbitrary: plausible },
    { weight: 2, arbitrary: fc.constantFrom(...NUMERIC_TEXTS) },
    { weight: 3, arbitrary: anyText.filter((text) => text.length < 2_000) },
    { weight: 1, arbitrary: cursorLike },
    { weight: 1, arbitrary: dateLike },
    { weight: 1, arbitrary: fc.constantFrom(1_000, 3_000).map((n) => '9'.repeat(n)) },
  );
  const pair = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(encoded(key), encoded(value)).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: encoded(key) },
    { weight: 1, arbitrary: fc.constantFrom('=', '&', '==', '=x', '%', '?') },
  );
  const plausiblePairs = fc.array(fc.tuple(fc.constantFrom(...names), plausible), { maxLength: 3 }).map((pairs) =>
    pairs.map(([k, v]) => `${percentEncoded(k)}=${percentEncoded(v)}`).join('&'),
  );
  // The documented parameters with values of their schemas, so that the route answers something other than 400.
  const documented = fc
    .tuple(...route.queryParams.map((parameter) => fc.option(schemaValue(parameter.schema ?? {}).map((value) => [parameter.name, queryText(value)] as const), { nil: undefined })))
    .map((pairs) => pairs.flatMap((pair) => (pair === undefined ? [] : [`${percentEncoded(pair[0])}=${percentEncoded(pair[1])}`])).join('&'));
  return fc
    .oneof(
      { weight: 2, arbitrary: fc.constant('') },
      { weight: 3, arbitrary: plausiblePairs },
      { weight: route.queryParams.length > 0 ? 4 : 0, arbitrary: documented },
      { weight: 5, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }).map((pairs) => pairs.join('&')) },
      { weight: 1, arbitrary: fc.tuple(pair, fc.integer({ min: 2, max: 50 })).map(([p, n]) => Array.from({ length: n }, () => p).join('&')) },
    )
    .map((query) => query.slice(0, 6_000));
}

export interface BodyPart {
  readonly contentType: string | null;
  readonly contentEncoding: string | null;
  readonly bytes: Buffer | null;
  readonly chunked: boolean;
}

const CONTENT_TYPES: readonly string[] = [
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=koi8-r',
  'application/json; charset=nonsense',
  'application/json;;;',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/',
  '',
];

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(toJsonText(value), 'utf8');
}

function bodyPart(route: FuzzRoute, context: FuzzContext): fc.Arbitrary<BodyPart> {
  const schema = route.bodySchema;
  const fieldValue = fc.oneof(fc.constantFrom(...context.words), anyText, nastyValue, fc.integer(), fc.boolean());
  const seeds = context.seeds[route.id] ?? [];
  const generated = schema === null ? fc.dictionary(fc.constantFrom(...context.names), fieldValue, { maxKeys: 4 }) : schemaValue(schema);
  const shaped = seeds.length === 0 ? generated : fc.oneof(generated, fc.constantFrom(...seeds));
  const mutated = fc.tuple(shaped, fc.array(mutationOf(context.names), { minLength: 1, maxLength: 3 })).map(([value, mutations]) => mutate(value, mutations));
  const asJson = (value: fc.Arbitrary<unknown>) => value.map(jsonBytes);
  const textBodies: fc.Arbitrary<Buffer> = fc.oneof(
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    shaped.map((value) => {
      const text = toJsonText(value);
      return Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    }),
    fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom('', ' ', 'null', '0', '"x"', '[]', '{}', '{"a":1,}', '{a:1}', "{'a':1}", '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"a":1}{"b":2}', 'NaN').map((text) => Buffer.from(text)),
    fc.constantFrom(1_000, 100_000).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
    fc.constantFrom(200_000, 300_000).map((n) => Buffer.from(`{"description":"${'x'.repeat(n)}"}`)),
    fc.constantFrom('\ufeff', '\u00ff\u00fe').chain((bom) => shaped.map((value) => Buffer.concat([Buffer.from(bom, 'latin1'), jsonBytes(value)]))),
    shaped.map((value) => Buffer.from(toJsonText(value), 'utf16le')),
  );
  const payload = fc.oneof(
    { weight: schema === null && seeds.length === 0 ? 0 : 5, arbitrary: asJson(shaped) },
    { weight: 6, arbitrary: asJson(mutated) },
    { weight: 1, arbitrary: asJson(fc.jsonValue({ maxDepth: 4 })) },
    { weight: 3, arbitrary: textBodies },
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>('application/json') },
    { weight: 3, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant<string | null>(null) },
    { weight: 1, arbitrary: headerText(80) },
  );
  const encoding = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>(null) },
    { weight: 2, arbitrary: fc.constantFrom<string | null>('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', 'GZIP') },
  );
  const withBody = fc
    .record({ bytes: payload, contentType, contentEncoding: encoding, chunked: fc.boolean(), compress: fc.boolean() })
    .map(({ bytes, contentType: type, contentEncoding, chunked, compress }): BodyPart => ({
      contentType: type,
      contentEncoding,
      bytes: contentEncoding === 'gzip' && compress ? gzipSync(bytes) : bytes,
      chunked,
    }));
  const none = fc.constant<BodyPart>({ contentType: null, contentEncoding: null, bytes: null, chunked: false });
  const takesBody = route.method !== 'GET' && route.method !== 'DELETE';
  return takesBody ? fc.oneof({ weight: 12, arbitrary: withBody }, { weight: 1, arbitrary: none }) : fc.oneof({ weight: 9, arbitrary: none }, { weight: 1, arbitrary: withBody });
}

/** Headers that are not the route's business, and a few that are (Idempotency-Key, Last-Event-ID). */
function extraHeaders(route: FuzzRoute): fc.Arbitrary<Record<string, string>> {
  const garbage = fc.oneof(
    headerText(100),
    fc.constantFrom(...NUMERIC_TEXTS),
    fc.constantFrom('', ' ', 'a'.repeat(201), 'ok-key_1.2~3:4', '-1', '\u00e9\u00e8'),
    fc.uuid(),
  );
  const named = (name: string) => fc.option(garbage, { nil: undefined, freq: 2 }).map((value) => (value === undefined ? {} : { [name]: value }));
  const reserved = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'authorization', 'content-type', 'content-encoding', 'expect', 'upgrade', 'te', 'trailer', 'keep-alive']);
  const random = fc.dictionary(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/).filter((name) => !reserved.has(name.toLowerCase())),
    headerText(200),
    { maxKeys: 3 },
  );
  const declared = route.headerParams.map((parameter) => named(parameter.name.toLowerCase()));
  return fc
    .tuple(named('idempotency-key'), named('last-event-id'), named('x-request-id'), named('accept'), named('x-forwarded-for'), random, ...declared)
    .map((parts) => Object.assign({}, ...parts) as Record<string, string>);
}

/** Requests for one route: its path filled with real and fuzzed ids, then query, headers, token and body fuzzed. */
export function requestsFor(route: FuzzRoute, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...route.pathParams.map((name) => pathValue(route, context).map((value) => [name, value] as const)));
  return fc
    .record({
      params,
      query: route.streams ? fc.oneof(fc.constant(''), queryString(route, context)) : queryString(route, context),
      auth: authorization(route, context.credentials),
      headers: extraHeaders(route),
      body: route.streams ? fc.constant<BodyPart>({ contentType: null, contentEncoding: null, bytes: null, chunked: false }) : bodyPart(route, context),
    })
    .map(({ params, query, auth, headers, body }): FuzzRequest => {
      const path = fillPath(route.template, Object.fromEntries(params));
      const all: Record<string, string> = { ...headers };
      if (auth.value !== null) all['authorization'] = auth.value;
      if (body.contentType !== null) all['content-type'] = body.contentType;
      if (body.contentEncoding !== null) all['content-encoding'] = body.contentEncoding;
      return {
        route,
        auth: auth.label,
        request: { method: route.method, path: query === '' ? path : `${path}?${query}`, headers: all, body: body.bytes, chunked: body.chunked },
      };
    });
}

/** A request as a line for a report: the token is replaced by what kind of token it was. */
export function describeRequest(fuzz: FuzzRequest): string {
  const { authorization: _token, ...headers } = fuzz.request.headers;
  const body = fuzz.request.body ?? null;
  const preview = body === null ? '' : ` body(${body.length} B)=${JSON.stringify(body.subarray(0, 300).toString('latin1'))}`;
  return `${fuzz.request.method} ${fuzz.request.path.slice(0, 400)} auth=${fuzz.auth}; headers=${JSON.stringify(headers).slice(0, 400)}${preview}`;
}
