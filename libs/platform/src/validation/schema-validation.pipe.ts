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
 * Validates a body (or query) against its JSON Schema and answers 400 listing every field error,
 * each with its JSON pointer, so a client can fix them all at once.
 */
export class SchemaValidationPipe<TSchemaType extends TSchema> implements PipeTransform<unknown, Static<TSchemaType>> {
  private readonly validate: ValidateFunction<Static<TSchemaType>>;

  constructor(schema: TSchemaType, kind: 'body' | 'query' = 'body') {
    this.validate = (kind === 'query' ? queries : bodies).compile<Static<TSchemaType>>(schema);
  }

  transform(value: unknown): Static<TSchemaType> {
    const candidate = value === undefined ? {} : structuredClone(value);
    if (this.validate(candidate)) return candidate;
    const errors = describeDocumentErrors(this.validate.errors);
    const body: ValidationErrorBody = {
      statusCode: 400,
      error: 'Bad Request',
      reason: 'validation_failed',
      message: errors.map((error) => `${error.path || '/'} ${error.message}`).join('; '),
      errors,
    };
    throw new BadRequestException(body);
  }
}
