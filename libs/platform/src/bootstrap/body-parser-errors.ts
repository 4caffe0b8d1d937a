import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export type BodyRefusalReason = 'body_too_large' | 'invalid_body' | 'unsupported_encoding';

export interface BodyRefusedBody {
  readonly statusCode: 400 | 413 | 415;
  readonly error: 'Bad Request' | 'Payload Too Large' | 'Unsupported Media Type';
  readonly reason: BodyRefusalReason;
  readonly message: string;
}

interface BodyParserError {
  readonly type: string;
  readonly limit?: unknown;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string';
}

/**
 * A compressed body (Content-Encoding gzip, deflate or br) that does not decompress: body-parser passes
 * on the zlib error, with status 400 and no type, and its message is zlib's ("incorrect header check").
 */
function isUndecompressableBody(error: unknown, request: Request): boolean {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  return encoding !== 'identity' && typeof error === 'object' && error !== null && !('type' in error) && 'status' in error && error.status === 400;
}

function refusal(error: BodyParserError): BodyRefusedBody | null {
  switch (error.type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return {
        statusCode: 413,
        error: 'Payload Too Large',
        reason: 'body_too_large',
        message: typeof error.limit === 'number' ? `the request body is larger than ${error.limit} bytes` : 'the request body is too large',
      };
    // The parser's own message quotes the start of the body, which may hold a customer's details.
    case 'entity.parse.failed':
    case 'request.size.invalid':
    case 'request.aborted':
      return { statusCode: 400, error: 'Bad Request', reason: 'invalid_body', message: 'the request body could not be read as its Content-Type says' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { statusCode: 415, error: 'Unsupported Media Type', reason: 'unsupported_encoding', message: 'the request body is in an encoding or charset this API does not read' };
    default:
      return null;
  }
}

const logger = new Logger('HttpBody');

/**
 * Express error middleware placed right after the body parsers: a body they refuse is answered like
 * every other 4xx (JSON with a reason), before any route runs. The request logger never sees these
 * requests, so they are logged here, without the body.
 */
export function answerBodyParserErrors(error: unknown, request: Request, response: Response, next: NextFunction): void {
  const body = isBodyParserError(error)
    ? refusal(error)
    : isUndecompressableBody(error, request)
      ? ({ statusCode: 400, error: 'Bad Request', reason: 'invalid_body', message: 'the request body could not be decompressed as its Content-Encoding says' } as const)
      : null;
  if (body === null || response.headersSent) {
    next(error);
    return;
  }
  logger.warn({ msg: 'request body refused', method: request.method, url: request.originalUrl, status: body.statusCode, reason: body.reason });
  response.status(body.statusCode).json(body);
}
