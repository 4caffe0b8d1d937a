import { Type, type Static } from '@sinclair/typebox';
import { defineEvent } from '../../envelope/envelope.schema';

/** Every event workflow emits about one complaint's lifecycle, ownership, SLA and escalation. */

const Uuid = Type.String({ format: 'uuid' });
const Actor = Type.String({ minLength: 1, maxLength: 200 });
const Instant = Type.String({ format: 'date-time' });
const OptionalStore = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]);

export const LIFECYCLE_STATES = ['new', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'reopened', 'closed'] as const;
export const LifecycleState = Type.Union(LIFECYCLE_STATES.map((state) => Type.Literal(state)));

export const DEADLINE_KINDS = ['first_response', 'resolution'] as const;
export const DeadlineKind = Type.Union(DEADLINE_KINDS.map((kind) => Type.Literal(kind)));

export const COMPENSATION_TYPES = ['refund', 'replacement', 'voucher', 'other'] as const;

export const Compensation = Type.Object(
  {
    type: Type.Union(COMPENSATION_TYPES.map((type) => Type.Literal(type))),
    amount: Type.Number({ minimum: 0, maximum: 1_000_000 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);

export const DeadlineMet = Type.Object(
  {
    kind: DeadlineKind,
    cycle: Type.Integer({ minimum: 1 }),
    targetMs: Type.Integer({ minimum: 1 }),
    businessMs: Type.Integer({ minimum: 0 }),
    dueAt: Type.Union([Instant, Type.Null()]),
    breached: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ComplaintStateChangedV1Event = defineEvent({
  type: 'complaint.state_changed',
  version: 1,
  description: 'A lifecycle action moved the complaint from one state to another.',
  payload: Type.Object(
    {
      complaintId: Uuid,
      from: LifecycleState,
      to: LifecycleState,
      action: Type.String({ minLength: 1, maxLength: 50 }),
      actorId: Actor,
      at: Instant,
      resolution: Type.Optional(
        Type.Object(
          {
            summary: Type.String({ minLength: 1, maxLength: 5000 }),
            compensation: Type.Union([Compensation, Type.Null()]),
          },
          { additionalProperties: false },
        ),
      ),
      /** The SLA deadlines this action met, with the business time they used (pauses and closed hours excluded). */
      deadlinesMet: Type.Optional(Type.Array(DeadlineMet, { maxItems: 2 })),
    },
    { additionalProperties: false },
  ),
});

export const ComplaintOwnershipChangedV1Event = defineEvent({
  type: 'complaint.ownership_changed',
  version: 1,
  description: 'Who owns the complaint changed: first claim, accepted hand-over, or a supervisor reassignment.',
  payload: Type.Object(
    {
      complaintId: Uuid,
      kind: Type.Union(['assigned', 'claimed', 'handed_over', 'reassigned'].map((kind) => Type.Literal(kind))),
      fromOwnerId: Type.Union([Actor, Type.Null()]),
      toOwnerId: Actor,
      actorId: Actor,
      reason: Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()]),
      at: Instant,
    },
    { additionalProperties: false },
  ),
});

export const ComplaintHandoverProposedV1Event = defineEvent({
  type: 'complaint.handover_proposed',
  version: 1,
  description: 'The owner proposed to hand the complaint over; the owner stays owner until it is accepted.',
  payload: Type.Object(
    { complaintId: Uuid, handoverId: Uuid, fromOwnerId: Actor, toOwnerId: Actor, reason: Type.String({ minLength: 1, maxLength: 1000 }), at: Instant },
    { additionalProperties: false },
  ),
});

export const ComplaintHandoverDeclinedV1Event = defineEvent({
  type: 'complaint.handover_declined',
  version: 1,
  description: 'The proposed receiver declined the hand-over; ownership did not move.',
  payload: Type.Object(
    { complaintId: Uuid, handoverId: Uuid, fromOwnerId: Actor, toOwnerId: Actor, at: Instant },
    { additionalProperties: false },
  ),
});

export const ComplaintNoteAddedV1Event = defineEvent({
  type: 'complaint.note_added',
  version: 1,
  description: 'An internal note was added (its text stays in workflow).',
  payload: Type.Object({ complaintId: Uuid, noteId: Uuid, authorId: Actor, at: Instant }, { additionalProperties: false }),
});

const DeadlinePayload = {
  complaintId: Uuid,
  kind: DeadlineKind,
  cycle: Type.Integer({ minimum: 1 }),
  dueAt: Instant,
  storeId: OptionalStore,
  severity: Type.String({ minLength: 1, maxLength: 20 }),
  ownerId: Type.Union([Actor, Type.Null()]),
};

export const SlaWarningV1Event = defineEvent({
  type: 'sla.warning',
  version: 1,
  description: 'A share of an SLA target has elapsed (default 75%); the owner is warned.',
  payload: Type.Object({ ...DeadlinePayload, warnedAt: Instant }, { additionalProperties: false }),
});

export const SlaBreachedV1Event = defineEvent({
  type: 'sla.breached',
  version: 1,
  description: 'An SLA deadline passed unmet.',
  payload: Type.Object({ ...DeadlinePayload, breachedAt: Instant }, { additionalProperties: false }),
});

export const ComplaintEscalatedV1Event = defineEvent({
  type: 'complaint.escalated',
  version: 1,
  description: 'The complaint was escalated: level 1 to its store managers (or the ops duty manager), level 2 to operations.',
  payload: Type.Object(
    {
      complaintId: Uuid,
      escalationId: Uuid,
      level: Type.Integer({ minimum: 1, maximum: 2 }),
      audience: Type.Union(['store_managers', 'ops_duty', 'ops'].map((audience) => Type.Literal(audience))),
      storeId: OptionalStore,
      reason: Type.String({ minLength: 1, maxLength: 200 }),
      ownerId: Type.Union([Actor, Type.Null()]),
      at: Instant,
    },
    { additionalProperties: false },
  ),
});

export const EscalationAcknowledgedV1Event = defineEvent({
  type: 'escalation.acknowledged',
  version: 1,
  description: 'A store manager or operator acknowledged an escalation.',
  payload: Type.Object(
    { complaintId: Uuid, escalationId: Uuid, level: Type.Integer({ minimum: 1, maximum: 2 }), acknowledgedBy: Actor, at: Instant },
    { additionalProperties: false },
  ),
});

export const WORKFLOW_EVENTS = [
  ComplaintStateChangedV1Event,
  ComplaintOwnershipChangedV1Event,
  ComplaintHandoverProposedV1Event,
  ComplaintHandoverDeclinedV1Event,
  ComplaintNoteAddedV1Event,
  SlaWarningV1Event,
  SlaBreachedV1Event,
  ComplaintEscalatedV1Event,
  EscalationAcknowledgedV1Event,
] as const;

export type CompensationInput = Static<typeof Compensation>;
