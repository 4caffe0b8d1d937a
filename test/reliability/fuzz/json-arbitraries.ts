import fc from 'fast-check';
import type { JsonSchema } from './openapi-routes';

/**
 * JSON text that a JavaScript value cannot produce through JSON.stringify: numbers beyond a double
 * (1e400), integers beyond 2^53, and nesting deep enough to overflow a recursive reader.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serialises like JSON.stringify, except that RawJson is written as is and own `__proto__` keys are kept. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item: unknown) => toJsonText(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${toJsonText((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Sets a key as an own property, even `__proto__`, the way JSON.parse does. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Any UTF-16 code unit, lone surrogates included (valid in a JSON string, refused by PostgreSQL's jsonb). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

export const TRICKY_TEXTS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude00',
  '\u202eevil',
  '\ufeff',
  'e\u0301',
  '\u200b',
  '𝕏'.repeat(50),
  'null',
  'undefined',
  'true',
  '[object Object]',
  '__proto__',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE complaints; --',
  '<script>alert(1)</script>',
  '${7*7}',
  '%s%n',
  '\r\n\r\nHTTP/1.1 200 OK',
];

/** Strings of every kind: short and long, ASCII, full Unicode, lone surrogates, control characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_TEXTS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '\ud83d\ude00', '\u0000'), fc.constantFrom(1_000, 20_000, 100_000)).map(([unit, n]) => unit.repeat(n)) },
);

export const EDGE_NUMBERS: readonly unknown[] = [
  0,
  -0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
  new RawJson('1e400'),
  new RawJson('-1e400'),
  new RawJson('1e-400'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('9223372036854775808'),
  new RawJson('-0.0'),
  new RawJson('1E+2'),
];

function nested(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array' ? new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`) : new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

/** Values that are wrong wherever they appear: wrong types, edges, huge, deeply nested. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyText },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(20, 200, 5_000, 50_000), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, kind]) => nested(depth, kind)) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000).map((n) => Array.from({ length: n }, (_, index) => index)) },
);

/** Keys that attack object handling rather than a particular schema. */
export const POLLUTING_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

const pollutingPayload = fc.constantFrom<unknown>(
  { polluted: 'yes', isAdmin: true, role: 'ops' },
  { prototype: { polluted: 'yes' } },
  'polluted',
  null,
);

function finite(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 60, 200));
  const fits = (text: string) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity);
  switch (schema.format) {
    case 'date':
      return fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case 'date-time':
      return fc.oneof(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
        fc.constantFrom('0000-01-01T00:00:00Z', '1969-12-31T23:59:60Z', '2024-02-29T12:00:00+14:00', '2024-01-01T00:00:00.123456789-12:00'),
      );
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uuid':
      return fc.uuid();
    default:
      break;
  }
  if (schema.pattern !== undefined) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
    } catch {
      // A pattern stringMatching cannot read: plain strings of the right length instead.
    }
  }
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength }));
}

/**
 * Values shaped by a JSON Schema: of the right types, in range and mostly valid, so that requests get
 * past validation and reach the code behind it. Optional properties come and go.
 */
export function schemaValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union !== undefined && union.length > 0) return fc.oneof(...union.map((member) => schemaValue(member, depth + 1)));
  const first = schema.allOf?.[0];
  if (first !== undefined) return schemaValue(first, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, schemaValue(property, depth + 1)]));
      const requiredKeys = (schema.required ?? []).filter((name) => name in properties);
      return fc.record(shape, { requiredKeys });
    }
    case 'array': {
      const item = schemaValue(schema.items ?? {}, depth + 1);
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 5, 5));
      return schema.uniqueItems === true
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'string':
      return stringFor(schema);
    case 'integer': {
      const min = Math.ceil(Math.max(finite(schema.minimum ?? schema.exclusiveMinimum, -1e9), -1e12));
      const max = Math.floor(Math.min(finite(schema.maximum ?? schema.exclusiveMaximum, 1e9), 1e12));
      return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.max(Math.min(max, Number.MAX_SAFE_INTEGER), min) });
    }
    case 'number': {
      const min = finite(schema.minimum ?? schema.exclusiveMinimum, -1e9);
      const max = Math.max(finite(schema.maximum ?? schema.exclusiveMaximum, 1e9), min);
      return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: Math.ceil(Math.max(min, -1e6)), max: Math.floor(Math.min(max, 1e6)) }).filter((n) => n >= min && n <= max));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Path = ReadonlyArray<string | number>;

function containerPaths(value: unknown, path: Path = [], into: Path[] = []): Path[] {
  into.push(path);
  if (Array.isArray(value)) value.forEach((item: unknown, index) => containerPaths(item, [...path, index], into));
  else if (value !== null && typeof value === 'object' && !(value instanceof RawJson)) {
    for (const key of Object.keys(value)) containerPaths((value as Record<string, unknown>)[key], [...path, key], into);
  }
  return into;
}

function cloneJson(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(copy, key, cloneJson((value as Record<string, unknown>)[key]));
  return copy;
}

export type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'remove'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown };

export function mutationOf(fieldNames: readonly string[]): fc.Arbitrary<Mutation> {
  const anyKey = fc.oneof(fc.constantFrom(...fieldNames, ...POLLUTING_KEYS), anyText);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: anyKey, value: nastyValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.constantFrom(...POLLUTING_KEYS), value: pollutingPayload }) },
  );
}

/** Applies mutations to a copy of a value: the root itself may be replaced. */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let root = cloneJson(value);
  for (const drawn of mutations) {
    // Values drawn by constantFrom are shared between runs: each mutation places a copy of its own.
    const mutation = 'value' in drawn ? { ...drawn, value: cloneJson(drawn.value) } : drawn;
    const paths = containerPaths(root);
    const path = paths[mutation.at % paths.length] ?? [];
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1];
    let target: unknown = root;
    for (const step of mutation.kind === 'add' ? path : parentPath) target = (target as Record<string | number, unknown>)[step];
    if (mutation.kind === 'add') {
      if (target !== null && typeof target === 'object' && !Array.isArray(target) && !(target instanceof RawJson)) setOwn(target as Record<string, unknown>, mutation.key, mutation.value);
      else if (Array.isArray(target)) target.push(mutation.value);
      else if (path.length === 0) root = { [mutation.key]: mutation.value, value: root };
      continue;
    }
    if (last === undefined) {
      root = mutation.kind === 'replace' ? mutation.value : undefined;
      continue;
    }
    const parent = target as Record<string | number, unknown>;
    if (mutation.kind === 'replace') {
      if (Array.isArray(parent)) parent[last as number] = mutation.value;
      else setOwn(parent, String(last), mutation.value);
    } else if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  }
  return root;
}

/** Every property name and every string constant in a schema: the vocabulary requests are made of. */
export function vocabularyOf(schema: JsonSchema | null | undefined, names = new Set<string>(), words = new Set<string>()): { names: Set<string>; words: Set<string> } {
  if (schema === null || schema === undefined) return { names, words };
  if (typeof schema.const === 'string') words.add(schema.const);
  for (const value of schema.enum ?? []) if (typeof value === 'string') words.add(value);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    names.add(name);
    vocabularyOf(property, names, words);
  }
  for (const member of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) vocabularyOf(member, names, words);
  if (schema.items !== undefined) vocabularyOf(schema.items, names, words);
  return { names, words };
}
