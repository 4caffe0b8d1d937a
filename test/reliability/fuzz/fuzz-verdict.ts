import type { RawResponse } from './raw-http';

function nonEmptyText(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item.trim() !== '');
}

/**
 * What is wrong with an answer to a fuzzed request, or null: a 5xx is always wrong; a 4xx must be
 * JSON with a non-empty `message` and a `reason` or `error` saying what kind of refusal it is.
 */
export function violationOf(response: RawResponse): string | null {
  const text = response.body.toString('utf8');
  if (response.status >= 500) return `answered ${response.status}: ${text.slice(0, 300)}`;
  if (response.status < 400 || response.streamed) return null;
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.includes('application/json')) return `answered ${response.status} as "${contentType}", not JSON: ${text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (body === null || typeof body !== 'object') return `answered ${response.status} with ${text.slice(0, 200)}`;
  const { message, reason, error } = body as Record<string, unknown>;
  if (!nonEmptyText(message)) return `answered ${response.status} without a message: ${text.slice(0, 300)}`;
  if (!nonEmptyText(reason) && !nonEmptyText(error)) return `answered ${response.status} without a reason or error: ${text.slice(0, 300)}`;
  return null;
}

/** The kind of a violation, without the parts that vary from request to request, to group them. */
export function violationKind(violation: string): string {
  return violation
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/"requestId":"[^"]*"/g, '')
    .slice(0, 160);
}
