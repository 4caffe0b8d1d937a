import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '@app/config';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { maskLogLine } from './personal-data.util';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's request id is kept only when it is a plain token of reasonable length. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

/** Probes are polled every few seconds by every load balancer; logging each one drowns the rest. */
const UNLOGGED_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** Credentials never reach a log line, whichever object they travel in. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

/**
 * The pino options every service logs with: JSON lines with an ISO time and a level label, the
 * service name on every line, credentials redacted, and personal data masked as the line is written.
 */
export function loggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.log.level,
    base: { service: config.service.name, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor: '[Redacted]' },
    hooks: { streamWrite: maskLogLine },
  };
}

/**
 * The root logger of a service. Lines go to `destination` when given (tests read them there),
 * otherwise to standard output, through pino-pretty when `log.pretty` is set.
 */
export function createLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options = loggerOptions(config);
  if (destination !== undefined) return pino(options, destination);
  if (config.log.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:standard', ignore: 'pid,hostname' } },
    });
  }
  return pino(options);
}

/** Keeps the caller's `x-request-id` when it is usable, otherwise makes one; echoes it on the response. */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

function levelFor(response: ServerResponse, error: Error | undefined): Level {
  if (error !== undefined || response.statusCode >= 500) return 'error';
  if (response.statusCode >= 400) return 'warn';
  return 'info';
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * pino-http options around the service's root logger. Every line logged while a request is handled
 * carries `requestId`; the line that closes a request also carries the request and response.
 */
export function httpLoggerOptions(logger: Logger): HttpLoggerOptions {
  return {
    logger,
    genReqId: requestIdFor,
    quietReqLogger: true,
    // The request goes on the closing line itself, not on a child logger made for every request: it is
    // then serialised only when that line is written, and not at all when its level is off.
    quietResLogger: true,
    customSuccessObject: (request, _response, fields: object) => ({ ...fields, req: request }),
    customErrorObject: (request, _response, _error, fields: object) => ({ ...fields, req: request }),
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (_request, response, error) => levelFor(response, error),
    autoLogging: { ignore: (request) => UNLOGGED_PATHS.has(pathOf(request.url)) },
  };
}
