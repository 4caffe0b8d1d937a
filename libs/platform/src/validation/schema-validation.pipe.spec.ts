import { BadRequestException } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { MAX_DOCUMENT_DEPTH, SchemaValidationPipe } from './schema-validation.pipe';

function refusalOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
  throw new Error('the pipe let the value through');
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

describe('SchemaValidationPipe', () => {
  const body = new SchemaValidationPipe(Type.Object({ note: Type.Optional(Type.Unknown()) }, { additionalProperties: false }));
  const query = new SchemaValidationPipe(Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false }), 'query');

  it('refuses a document nested deeper than the limit before walking it, with a reason', () => {
    expect(refusalOf(() => body.transform({ note: nested(100_000) }))).toMatchObject({
      statusCode: 400,
      reason: 'validation_failed',
      errors: [{ path: '/', message: `must not nest deeper than ${MAX_DOCUMENT_DEPTH} levels` }],
    });
  });

  it('takes a document nested up to the limit', () => {
    expect(body.transform({ note: nested(MAX_DOCUMENT_DEPTH - 2) })).toEqual({ note: nested(MAX_DOCUMENT_DEPTH - 2) });
  });

  it.each(['Infinity', '-Infinity', '1e400', '-1e400'])('refuses a query number that coerces to %s rather than letting it past its bounds', (limit) => {
    expect(refusalOf(() => query.transform({ limit }))).toMatchObject({
      statusCode: 400,
      reason: 'validation_failed',
      errors: [{ path: '/limit', message: 'must be a finite number' }],
    });
  });

  it('still coerces and bounds ordinary query numbers', () => {
    expect(query.transform({ limit: '20' })).toEqual({ limit: 20 });
    expect(query.transform({})).toEqual({ limit: 20 });
    expect(refusalOf(() => query.transform({ limit: '1e5' }))).toMatchObject({ errors: [{ path: '/limit', message: 'must be <= 100' }] });
  });
});
