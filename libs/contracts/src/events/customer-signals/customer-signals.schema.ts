import { Type, type Static } from '@sinclair/typebox';
import { defineEvent } from '../../envelope/envelope.schema';

/**
 * Customer signals other systems publish to the events topic: random satisfaction surveys, purchases
 * (the repurchase signal) and explicit losses. They carry intake's customer id; the Kafka key is that
 * customer id, so one customer's signals stay ordered.
 */

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });

export const EXPERIENCE_DIMENSION_NAMES = ['product', 'service', 'relationship', 'price', 'convenience', 'brand_image'] as const;

/** Scores on the survey's 0–10 scale: what the customer experienced, expected, and how much it matters. */
export const DimensionScore = Type.Object(
  {
    experience: Type.Number({ minimum: 0, maximum: 10 }),
    expectation: Type.Number({ minimum: 0, maximum: 10 }),
    importance: Type.Number({ minimum: 0, maximum: 10 }),
  },
  { additionalProperties: false },
);

const Dimensions = Type.Object(
  Object.fromEntries(EXPERIENCE_DIMENSION_NAMES.map((name) => [name, Type.Optional(DimensionScore)])),
  { additionalProperties: false, minProperties: 1 },
);

/**
 * A satisfaction score on the survey's own scale. The customer counts as dissatisfied when the value is
 * at or below `dissatisfiedAtOrBelow`; without it, at or below 40% of the way from `min` to `max`
 * (1–5: 1 and 2; 0–10: 0 to 4). See `isDissatisfied`.
 */
export const SatisfactionScore = Type.Object(
  {
    value: Type.Number(),
    min: Type.Number(),
    max: Type.Number(),
    dissatisfiedAtOrBelow: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

const surveyFields = {
  surveyId: Uuid,
  customerId: Uuid,
  /** When the customer was drawn for the survey (the survey period is by this instant). */
  sampledAt: Instant,
  respondedAt: Type.Optional(Instant),
  dimensions: Type.Optional(Dimensions),
};

export const SurveyRespondedV1Event = defineEvent({
  type: 'survey.responded',
  version: 1,
  description: 'A customer drawn at random answered a satisfaction survey: dissatisfied or not, or a score, and optionally dimension scores.',
  payload: Type.Union([
    Type.Object({ ...surveyFields, dissatisfied: Type.Boolean(), score: Type.Optional(SatisfactionScore) }, { additionalProperties: false }),
    Type.Object({ ...surveyFields, dissatisfied: Type.Optional(Type.Boolean()), score: SatisfactionScore }, { additionalProperties: false }),
  ]),
});

export const CustomerPurchasedV1Event = defineEvent({
  type: 'customer.purchased',
  version: 1,
  description: 'A customer bought something: the repurchase signal of retention.',
  payload: Type.Object(
    {
      purchaseId: Uuid,
      customerId: Uuid,
      storeId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
      amount: Type.Number({ minimum: 0, maximum: 10_000_000 }),
      currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      at: Instant,
    },
    { additionalProperties: false },
  ),
});

export const CustomerChurnedV1Event = defineEvent({
  type: 'customer.churned',
  version: 1,
  description: 'A customer was explicitly lost, e.g. cancelled a membership.',
  payload: Type.Object(
    { customerId: Uuid, at: Instant, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
    { additionalProperties: false },
  ),
});

export const CUSTOMER_SIGNAL_EVENTS = [SurveyRespondedV1Event, CustomerPurchasedV1Event, CustomerChurnedV1Event] as const;

export type SatisfactionScoreInput = Static<typeof SatisfactionScore>;

/** Whether a survey answer counts as dissatisfied: the explicit flag when given, else the score's threshold. */
export function isDissatisfied(answer: { readonly dissatisfied?: boolean; readonly score?: SatisfactionScoreInput }): boolean {
  if (answer.dissatisfied !== undefined) return answer.dissatisfied;
  const score = answer.score;
  if (score === undefined) throw new RangeError('a survey answer needs dissatisfied or a score');
  const threshold = score.dissatisfiedAtOrBelow ?? score.min + 0.4 * (score.max - score.min);
  return score.value <= threshold;
}
