import { randomUUID } from 'node:crypto';
import { createEvent, decodeEvent, eventKey } from '../../envelope/event-codec';
import { isDissatisfied } from './customer-signals.schema';

const customerId = randomUUID();
const survey = { surveyId: randomUUID(), customerId, sampledAt: '2026-11-23T10:00:00.000Z' };

function decode(type: string, payload: unknown) {
  return decodeEvent(
    Buffer.from(JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: '2026-11-23T10:00:00.000Z', correlationId: randomUUID(), causationId: null, producer: 'survey-tool', payload })),
  );
}

describe('customer signal events', () => {
  it('accepts a survey answer with the dissatisfied flag, or with a score, and keys it by customer', () => {
    const flagged = createEvent('survey.responded', 1, { ...survey, dissatisfied: true }, { producer: 'survey-tool' });
    expect(eventKey(flagged)).toBe(customerId);
    expect(decode('survey.responded', { ...survey, score: { value: 2, min: 1, max: 5 } }).ok).toBe(true);
    expect(
      decode('survey.responded', {
        ...survey,
        dissatisfied: false,
        dimensions: { product: { experience: 6, expectation: 8, importance: 9 }, price: { experience: 7, expectation: 7, importance: 4 } },
      }).ok,
    ).toBe(true);
  });

  it.each([
    ['neither a flag nor a score', { ...survey }],
    ['an unknown dimension', { ...survey, dissatisfied: true, dimensions: { weather: { experience: 1, expectation: 1, importance: 1 } } }],
    ['a dimension score off the scale', { ...survey, dissatisfied: true, dimensions: { product: { experience: 11, expectation: 1, importance: 1 } } }],
    ['no customer', { surveyId: survey.surveyId, sampledAt: survey.sampledAt, dissatisfied: true }],
  ])('refuses a survey answer with %s', (_name, payload) => {
    expect(decode('survey.responded', payload).ok).toBe(false);
  });

  it('validates purchases and losses', () => {
    const purchase = { purchaseId: randomUUID(), customerId, storeId: 'S001', amount: 42.5, currency: 'GBP', at: '2026-11-24T10:00:00.000Z' };
    expect(decode('customer.purchased', purchase).ok).toBe(true);
    expect(decode('customer.purchased', { ...purchase, amount: -1 }).ok).toBe(false);
    expect(decode('customer.purchased', { ...purchase, currency: 'pounds' }).ok).toBe(false);
    expect(decode('customer.churned', { customerId, at: '2026-11-25T10:00:00.000Z', reason: 'membership cancelled' }).ok).toBe(true);
    expect(decode('customer.churned', { customerId }).ok).toBe(false);
  });

  describe('isDissatisfied', () => {
    it('takes the explicit flag over the score', () => {
      expect(isDissatisfied({ dissatisfied: false, score: { value: 1, min: 1, max: 5 } })).toBe(false);
    });

    it.each([
      [{ value: 2, min: 1, max: 5 }, true],
      [{ value: 3, min: 1, max: 5 }, false],
      [{ value: 4, min: 0, max: 10 }, true],
      [{ value: 5, min: 0, max: 10 }, false],
      [{ value: 6, min: 0, max: 10, dissatisfiedAtOrBelow: 6 }, true],
    ])('reads %j as dissatisfied: %s', (score, expected) => {
      expect(isDissatisfied({ score })).toBe(expected);
    });
  });
});
