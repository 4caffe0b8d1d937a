import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1000, multiplier: 2 };

  it('grows exponentially between half and the whole ceiling', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 1)).toBe(200);
    expect(backoffDelay(3, policy, () => 0)).toBe(200);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(1000);
    expect(backoffDelay(1000, DEFAULT_BACKOFF, () => 1)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('treats attempt 0 like the first attempt', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
  });
});
