/**
 * How a failed message is treated. A message is never skipped silently: it is either retried or
 * dead-lettered with its reason.
 *  - `transient`: the infrastructure is down (database, broker); retry with backoff for as long as it takes.
 *  - `bounded`: an unexpected failure of the handler; retry a few times, then dead-letter it.
 *  - `permanent`: the message itself can never succeed; dead-letter it at once.
 */
export type FailureKind = 'transient' | 'bounded' | 'permanent';

/** Thrown by a handler for a message that can never succeed (e.g. a rule the message breaks). */
export class NonRetryableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

/** Thrown by a handler that knows its failure is temporary. */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

// PostgreSQL SQLSTATEs of a server that is down, restarting, overloaded, or a transaction to re-run.
const TRANSIENT_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014']);

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (is )?(closed|ended)/i,
  /client has encountered a connection error/i,
  /socket hang up/i,
  /the database system is (starting up|shutting down)/i,
  /Connection is closed/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  retriable?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | null {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : null;
}

function isTransient(error: ErrorLike, depth: number): boolean {
  if (error.name === 'RetryableError') return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (TRANSIENT_NODE_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
  }
  // kafkajs marks broker-side failures worth retrying, and names its connection failures.
  if (error.retriable === true) return true;
  if (typeof error.name === 'string' && /^KafkaJS(Connection\w*Error|NumberOfRetriesExceeded|RequestTimeoutError|BrokerNotFound|LockTimeout)$/.test(error.name)) {
    return true;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (depth < 3) {
    for (const inner of [error.driverError, error.cause]) {
      const nested = asErrorLike(inner);
      if (nested !== null && isTransient(nested, depth + 1)) return true;
    }
  }
  return false;
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof NonRetryableError) return 'permanent';
  const errorLike = asErrorLike(error);
  if (errorLike === null) return 'bounded';
  return isTransient(errorLike, 0) ? 'transient' : 'bounded';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
