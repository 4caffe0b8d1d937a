import type { ThrottlerStorage } from '@nestjs/throttler';

/** What `ThrottlerStorage.increment` answers (the library declares it but does not export its type). */
export type HitCount = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Budget {
  /** When each counted hit stops counting (ms, the storage's clock), oldest first from `head`. */
  expiries: number[];
  head: number;
  /** When the window's Reset header comes round again; renewed once passed. */
  resetsAt: number;
  /** While refused clients wait; 0 when not blocked. */
  blockedUntil: number;
}

/** Dropping a budget's spent prefix is worth its copy once it is this long and most of the array. */
const COMPACT_AFTER = 256;

/**
 * @nestjs/throttler's sliding window, with the same answers as its default in-memory storage, at a
 * constant cost per request. The default storage filters a client's whole list of hits on every request,
 * up to the limit's worth: with a high limit and a few hundred requests a second from one client, each
 * request rescanned tens of thousands of entries. Hits are counted in the order they expire, so the
 * spent ones are always at the front and leave from there. A client's budget is forgotten once it has
 * no live hits, no block and its window has run out, checked once per window over all clients.
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly budgets = new Map<string, Budget>();
  private sweptAt: number;

  /** The clock in whole milliseconds, as the library's own storage counts. */
  private readonly now: () => number;

  /**
   * `clock` is monotonic by default: a wall-clock step must neither free nor block anyone. Its readings
   * are taken in whole milliseconds: sums of fractional ones are not exact, and a block of 60 s could be
   * announced as 61 (60,000.000000001 ms, rounded up).
   */
  constructor(clock: () => number = () => performance.now()) {
    this.now = () => Math.floor(clock());
    this.sweptAt = this.now();
  }

  /** Clients holding a budget now; for tests and metrics. */
  get size(): number {
    return this.budgets.size;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<HitCount> {
    const now = this.now();
    this.sweep(now, ttl);
    const id = `${throttlerName}\u0000${key}`;
    let budget = this.budgets.get(id);
    if (budget === undefined) {
      budget = { expiries: [], head: 0, resetsAt: now + ttl, blockedUntil: 0 };
      this.budgets.set(id, budget);
    }
    dropSpent(budget, now);
    if (budget.resetsAt <= now) budget.resetsAt = now + ttl;
    const timeToExpire = seconds(budget.resetsAt - now);

    if (blockDuration <= 0) {
      // Without a block, a client over its limit is refused until its oldest hit stops counting.
      const refused = live(budget) >= limit;
      if (!refused) budget.expiries.push(now + ttl);
      const oldest = budget.expiries[budget.head];
      return {
        totalHits: live(budget) + (refused ? 1 : 0),
        timeToExpire,
        isBlocked: refused,
        timeToBlockExpire: refused ? (oldest === undefined ? timeToExpire : seconds(oldest - now)) : 0,
      };
    }

    if (budget.blockedUntil !== 0 && budget.blockedUntil <= now) {
      // The block is served: the client starts again from nothing.
      budget.blockedUntil = 0;
      budget.expiries = [];
      budget.head = 0;
    }
    if (budget.blockedUntil === 0) {
      budget.expiries.push(now + ttl);
      if (live(budget) > limit) budget.blockedUntil = now + blockDuration;
    }
    return {
      totalHits: live(budget),
      timeToExpire,
      isBlocked: budget.blockedUntil !== 0,
      timeToBlockExpire: budget.blockedUntil === 0 ? 0 : seconds(budget.blockedUntil - now),
    };
  }

  private sweep(now: number, ttl: number): void {
    if (now - this.sweptAt < ttl) return;
    this.sweptAt = now;
    for (const [id, budget] of this.budgets) {
      dropSpent(budget, now);
      // Such a budget answers as a new one would.
      const spent = live(budget) === 0 && budget.resetsAt <= now && (budget.blockedUntil === 0 || budget.blockedUntil <= now);
      if (spent) this.budgets.delete(id);
    }
  }
}

function live(budget: Budget): number {
  return budget.expiries.length - budget.head;
}

function dropSpent(budget: Budget, now: number): void {
  const { expiries } = budget;
  while (budget.head < expiries.length && (expiries[budget.head] ?? Infinity) <= now) budget.head += 1;
  if (budget.head >= COMPACT_AFTER && budget.head * 2 >= expiries.length) {
    budget.expiries = expiries.slice(budget.head);
    budget.head = 0;
  }
}

/** Whole seconds, rounded up, as the library's headers give them. */
function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
