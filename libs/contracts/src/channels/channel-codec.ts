import type { Static, TObject } from '@sinclair/typebox';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { DecodeFailure, DecodeResult } from '../envelope/event-codec';

/** Why the bytes of a JSON channel message cannot become a complaint; the dead-letter reason. */
export type ChannelDecodeFailureCode =
  | 'too_large'
  | 'not_utf8'
  | 'not_json'
  | 'unknown_schema_version'
  | 'invalid_document'
  | 'no_text';

export type ChannelDecodeResult<T> = DecodeResult<T, ChannelDecodeFailureCode>;

export class InvalidChannelDocumentError extends Error {
  constructor(readonly failure: DecodeFailure<ChannelDecodeFailureCode>) {
    super(`${failure.code}: ${failure.message}`);
    this.name = 'InvalidChannelDocumentError';
  }
}

/** One field error: the JSON pointer of the offending value and what is wrong with it. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

// `verbose` keeps the failing schema on each error, which describeDocumentErrors uses to turn
// anyOf failures into one readable line instead of one line per branch. strictRequired is off because
// "at least one of" is written the standard way, `anyOf: [{ required: ['phone'] }, ...]`, whose
// branches name properties declared by the enclosing object rather than by themselves.
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true }));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, property: unknown): string {
  return `${path}/${String(property)}`;
}

function describeAnyOf(error: ErrorObject): string {
  const branches: unknown[] = Array.isArray(error.schema) ? error.schema : [];
  const constants = branches.map((branch) => (isRecord(branch) && 'const' in branch ? branch['const'] : undefined));
  if (constants.length > 0 && constants.every((value) => value !== undefined)) {
    return `must be one of ${constants.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  const required = branches.map((branch) =>
    isRecord(branch) && Array.isArray(branch['required']) && branch['required'].length === 1
      ? String(branch['required'][0])
      : undefined,
  );
  if (required.length > 0 && required.every((name) => name !== undefined)) {
    return `must have at least one of ${required.join(', ')}`;
  }
  return error.message ?? 'must match one of the allowed shapes';
}

/**
 * Every error of a failed validation as (path, message), with the path pointing at the field itself
 * (a missing field is reported at `/callId`, not at its parent) and anyOf failures collapsed into one.
 */
export function describeDocumentErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const all = errors ?? [];
  const anyOfPaths = all.filter((error) => error.keyword === 'anyOf').map((error) => `${error.schemaPath}/`);
  return all
    .filter((error) => !anyOfPaths.some((prefix) => error.schemaPath.startsWith(prefix)))
    .map((error): FieldError => {
      switch (error.keyword) {
        case 'required':
          return { path: join(error.instancePath, error.params['missingProperty']), message: 'is required' };
        case 'additionalProperties':
          return { path: join(error.instancePath, error.params['additionalProperty']), message: 'is not allowed' };
        case 'anyOf':
          return { path: error.instancePath || '/', message: describeAnyOf(error) };
        default:
          return { path: error.instancePath || '/', message: error.message ?? 'is invalid' };
      }
    });
}

function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((error) => `${error.path} ${error.message}`).join('; ');
}

export interface ChannelDocumentCodecOptions<TSchema extends TObject> {
  /** How the document is named in messages, e.g. "hotline call". */
  readonly name: string;
  readonly schemaVersion: number;
  readonly schema: TSchema;
  /** Larger messages are refused before they are decoded. */
  readonly maxBytes: number;
  /**
   * Rules JSON Schema cannot state, checked once the schema holds (e.g. that a timestamp names an
   * instant intake can store). Any error makes the document `invalid_document`.
   */
  readonly check?: (document: Static<TSchema>) => readonly FieldError[];
}

export interface ChannelDocumentCodec<T> {
  /** Validates the bytes of a Kafka message value. Never throws. */
  decode(bytes: Buffer | null): ChannelDecodeResult<T>;
  /** Validates an already-parsed value, e.g. a request body the intake API is about to publish. */
  validate(candidate: unknown): ChannelDecodeResult<T>;
  /** Validates at the producing end and returns the message value; throws InvalidChannelDocumentError. */
  encode(document: T): Buffer;
}

function isEmptyDescriptionError(error: ErrorObject): boolean {
  return error.instancePath === '/description' && (error.keyword === 'minLength' || error.keyword === 'pattern');
}

function fail<T>(code: ChannelDecodeFailureCode, message: string): ChannelDecodeResult<T> {
  return { ok: false, error: { code, message } };
}

/**
 * A codec for one version of a JSON channel document. The order of the checks is the order of the
 * failure codes: size, UTF-8, JSON, schema version, schema (then the codec's own rules), then text.
 */
export function createChannelDocumentCodec<TSchema extends TObject>(
  options: ChannelDocumentCodecOptions<TSchema>,
): ChannelDocumentCodec<Static<TSchema>> {
  type T = Static<TSchema>;
  const validateSchema: ValidateFunction<T> = ajv.compile<T>(options.schema);
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  function validate(candidate: unknown): ChannelDecodeResult<T> {
    if (isRecord(candidate)) {
      const version = candidate['schemaVersion'];
      if (typeof version === 'number' && version !== options.schemaVersion) {
        return fail(
          'unknown_schema_version',
          `${options.name} schemaVersion ${version} is not supported (supported: ${options.schemaVersion})`,
        );
      }
    }
    if (validateSchema(candidate)) {
      const ruleErrors = options.check?.(candidate) ?? [];
      return ruleErrors.length === 0 ? { ok: true, value: candidate } : fail('invalid_document', formatFieldErrors(ruleErrors));
    }
    const errors = validateSchema.errors ?? [];
    // A document that is right in every respect but whose description is empty or only whitespace
    // is refused for a different reason: there is no complaint text.
    if (errors.length > 0 && errors.every(isEmptyDescriptionError)) {
      return fail('no_text', `${options.name} has no description text`);
    }
    return fail('invalid_document', formatFieldErrors(describeDocumentErrors(errors)));
  }

  function decode(bytes: Buffer | null): ChannelDecodeResult<T> {
    if (bytes === null) return fail('not_json', 'empty message value');
    if (bytes.length > options.maxBytes) {
      return fail('too_large', `${options.name} is ${bytes.length} bytes, over the limit of ${options.maxBytes}`);
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return fail('not_utf8', `${options.name} is not valid UTF-8`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return fail('not_json', error instanceof Error ? error.message : 'unparseable JSON');
    }
    return validate(parsed);
  }

  function encode(document: T): Buffer {
    const result = validate(document);
    if (!result.ok) throw new InvalidChannelDocumentError(result.error);
    const bytes = Buffer.from(JSON.stringify(document), 'utf8');
    if (bytes.length > options.maxBytes) {
      throw new InvalidChannelDocumentError({
        code: 'too_large',
        message: `${options.name} is ${bytes.length} bytes, over the limit of ${options.maxBytes}`,
      });
    }
    return bytes;
  }

  return { decode, validate, encode };
}
