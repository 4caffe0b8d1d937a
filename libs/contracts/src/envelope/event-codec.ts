import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { EVENT_CATALOG, type EventType, type PayloadOf, type VersionOf } from '../events/event-catalog';
import { EnvelopeSchema, type EventEnvelope, type RawEnvelope } from './envelope.schema';

export type DecodeFailureCode =
  | 'not_json'
  | 'invalid_envelope'
  | 'unknown_type'
  | 'unknown_version'
  | 'invalid_payload';

export interface DecodeFailure<TCode extends string = string> {
  readonly code: TCode;
  readonly message: string;
}

/** What every decoder returns: a validated value, or a machine-readable reason it is not one. */
export type DecodeResult<T, TCode extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DecodeFailure<TCode> };

export type AnyEvent = { [K in EventType]: EventEnvelope<K, PayloadOf<K>> }[EventType];

export class InvalidEventError extends Error {
  constructor(readonly failure: DecodeFailure) {
    super(`${failure.code}: ${failure.message}`);
    this.name = 'InvalidEventError';
  }
}

const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const validateEnvelope: ValidateFunction<RawEnvelope> = ajv.compile(EnvelopeSchema);
const payloadValidators = new Map<string, Map<number, ValidateFunction>>();
for (const definition of EVENT_CATALOG) {
  const byVersion = payloadValidators.get(definition.type) ?? new Map<number, ValidateFunction>();
  byVersion.set(definition.version, ajv.compile(definition.payload));
  payloadValidators.set(definition.type, byVersion);
}

export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`.trim())
    .join('; ');
}

function fail<T>(code: DecodeFailureCode, message: string): DecodeResult<T, DecodeFailureCode> {
  return { ok: false, error: { code, message } };
}

/** Validates an already-parsed object as an event: envelope, then (type, version), then payload. */
export function validateEvent(candidate: unknown): DecodeResult<AnyEvent, DecodeFailureCode> {
  if (!validateEnvelope(candidate)) {
    return fail('invalid_envelope', describeErrors(validateEnvelope.errors));
  }
  const versions = payloadValidators.get(candidate.type);
  if (versions === undefined) return fail('unknown_type', `unknown event type "${candidate.type}"`);
  const validatePayload = versions.get(candidate.version);
  if (validatePayload === undefined) {
    return fail('unknown_version', `unknown version ${candidate.version} of "${candidate.type}"`);
  }
  if (!validatePayload(candidate.payload)) {
    return fail('invalid_payload', describeErrors(validatePayload.errors));
  }
  return { ok: true, value: candidate as unknown as AnyEvent };
}

/** Decodes the bytes of a Kafka message value into a validated event. Never throws. */
export function decodeEvent(bytes: Buffer | string | null): DecodeResult<AnyEvent, DecodeFailureCode> {
  if (bytes === null) return fail('not_json', 'empty message value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    return fail('not_json', error instanceof Error ? error.message : 'unparseable JSON');
  }
  return validateEvent(parsed);
}

export interface EventMetadata {
  readonly producer: string;
  readonly complaintId?: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly occurredAt?: Date;
  readonly id?: string;
}

/**
 * Builds and validates an event at the producing end: an event that would be rejected by its
 * consumers is a programming error and throws here, before it reaches any outbox.
 */
export function createEvent<TType extends EventType>(
  type: TType,
  version: VersionOf<TType>,
  payload: PayloadOf<TType>,
  metadata: EventMetadata,
): EventEnvelope<TType, PayloadOf<TType>> {
  const id = metadata.id ?? randomUUID();
  const envelope = {
    id,
    type,
    version,
    occurredAt: (metadata.occurredAt ?? new Date()).toISOString(),
    ...(metadata.complaintId === undefined ? {} : { complaintId: metadata.complaintId }),
    correlationId: metadata.correlationId ?? id,
    causationId: metadata.causationId ?? null,
    producer: metadata.producer,
    payload,
  };
  const result = validateEvent(envelope);
  if (!result.ok) throw new InvalidEventError(result.error);
  return envelope as EventEnvelope<TType, PayloadOf<TType>>;
}

/** The Kafka key of an event: its complaint id, so one complaint's events stay in one partition. */
export function eventKey(event: EventEnvelope): string {
  if (event.complaintId !== undefined) return event.complaintId;
  const payload = event.payload as Record<string, unknown> | null;
  const customerId = payload?.['customerId'];
  return typeof customerId === 'string' ? customerId : event.id;
}

export function encodeEvent(event: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
