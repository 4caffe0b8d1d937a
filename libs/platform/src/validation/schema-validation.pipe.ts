import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { describeDocumentErrors, type FieldError } from '@app/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface ValidationErrorBody {
  readonly statusCode: 400;
  readonly error: 'Bad Request';
  readonly reason: 'validation_failed';
  readonly message: string;
  readonly errors: readonly FieldError[];
}

// Query strings arrive as text: coercion turns "20" into 20 for integer fields; defaults are filled in.
const bodies = addFormats(new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true, useDefaults: true }));
const queries = addFormats(
  new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true, useDefaults: true, coerceTypes: true }),
);

/**
 * How deep a document may nest. The deepest of our schemas nests a few levels; a body of 256 kB can
 * nest 100,000 levels, which overflows the stack of anything that walks it recursively (structuredClone,
 * Ajv, JSON.stringify), so deeper documents are refused before they are walked.
 */
export const MAX_DOCUMENT_DEPTH = 32;

/** Whether a value nests deeper than `limit` levels, found without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/**
 * Paths of numbers that are not finite. Ajv coerces a query's "Infinity" or "1e400" to an integer or
 * number and then skips minimum and maximum for it, so `limit=1e400` would otherwise pass as Infinity.
 */
function nonFiniteNumbers(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [{ path: path || '/', message: 'must be a finite number' }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => nonFiniteNumbers(child, `${path}/${key}`));
}

function refusal(errors: readonly FieldError[]): BadRequestException {
  const body: ValidationErrorBody = {
    statusCode: 400,
    error: 'Bad Request',
    reason: 'validation_failed',
    message: errors.map((error) => `${error.path || '/'} ${error.message}`).join('; '),
    errors,
  };
  return new BadRequestException(body);
}

/**
 * Validates a body (or query) against its JSON Schema and answers 400 listing every field error,
 * each with its JSON pointer, so a client can fix them all at once.
 */
export class SchemaValidationPipe<TSchemaType extends TSchema> implements PipeTransform<unknown, Static<TSchemaType>> {
  private readonly validate: ValidateFunction<Static<TSchemaType>>;

  constructor(schema: TSchemaType, kind: 'body' | 'query' = 'body') {
    this.validate = (kind === 'query' ? queries : bodies).compile<Static<TSchemaType>>(schema);
  }

  transform(value: unknown): Static<TSchemaType> {
    if (nestsDeeperThan(value, MAX_DOCUMENT_DEPTH)) throw refusal([{ path: '/', message: `must not nest deeper than ${MAX_DOCUMENT_DEPTH} levels` }]);
    const candidate = value === undefined ? {} : structuredClone(value);
    if (!this.validate(candidate)) throw refusal(describeDocumentErrors(this.validate.errors));
    const nonFinite = nonFiniteNumbers(candidate);
    if (nonFinite.length > 0) throw refusal(nonFinite);
    return candidate;
  }
}
