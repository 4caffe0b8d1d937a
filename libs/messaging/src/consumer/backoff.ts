export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, multiplier: 2 };

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter" so a crowd
 * of consumers that failed together does not retry together. `random` is injected for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
