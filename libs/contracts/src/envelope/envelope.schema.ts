import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The envelope every domain event travels in (DESIGN §4). The payload schema depends on
 * (type, version) and is checked separately, so an unknown type can still be routed with its reason.
 */
export const EnvelopeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: Type.String({ pattern: '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$', maxLength: 100 }),
    version: Type.Integer({ minimum: 1 }),
    occurredAt: Type.String({ format: 'date-time' }),
    // Events about one complaint carry its id, which is also the Kafka key; customer signals
    // (surveys, purchases, churn) are keyed by their customer id instead and leave this out.
    complaintId: Type.Optional(Type.String({ format: 'uuid' })),
    correlationId: Type.String({ minLength: 1, maxLength: 200 }),
    causationId: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
    producer: Type.String({ minLength: 1, maxLength: 100 }),
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

export type RawEnvelope = Static<typeof EnvelopeSchema>;

/** An envelope whose payload has been validated against the schema of its type and version. */
export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly version: number;
  readonly occurredAt: string;
  readonly complaintId?: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly producer: string;
  readonly payload: TPayload;
}

/** One (type, version) of an event: its payload schema and the key it is partitioned by. */
export interface EventDefinition<TType extends string, TVersion extends number, TPayloadSchema extends TSchema> {
  readonly type: TType;
  readonly version: TVersion;
  readonly payload: TPayloadSchema;
  readonly description: string;
}

export function defineEvent<TType extends string, TVersion extends number, TPayloadSchema extends TSchema>(
  definition: EventDefinition<TType, TVersion, TPayloadSchema>,
): EventDefinition<TType, TVersion, TPayloadSchema> {
  return definition;
}
