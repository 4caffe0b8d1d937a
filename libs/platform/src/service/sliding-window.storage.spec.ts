import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowStorage, type HitCount } from './sliding-window.storage';

/** A small deterministic generator, so a failing sequence can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** What the guard reads of an answer: the block's remaining time only matters while blocked. */
function seen(count: HitCount): HitCount {
  return { ...count, timeToBlockExpire: count.isBlocked ? count.timeToBlockExpire : 0 };
}

describe('SlidingWindowStorage', () => {
  afterEach(() => jest.useRealTimers());

  it.each([
    { blockDuration: 10_000, label: 'blocked for the window' },
    { blockDuration: 3_000, label: 'blocked for less than the window' },
    { blockDuration: 0, label: 'without a block' },
  ])('answers as the library’s own storage does, $label', async ({ blockDuration }) => {
    jest.useFakeTimers({ now: 1_000_000 });
    const reference = new ThrottlerStorageService();
    let now = 1_000_000;
    const storage = new SlidingWindowStorage(() => now);
    const random = sequence(blockDuration + 7);
    let refused = 0;
    try {
      for (let call = 0; call < 3_000; call += 1) {
        // Bursts of requests a few ms apart, and pauses long enough for hits and blocks to run out.
        now += random() < 0.05 ? Math.floor(random() * 12_000) : Math.floor(random() * 300);
        jest.setSystemTime(now);
        const key = random() < 0.8 ? 'default:subject:agent-1' : 'default:address:10.0.0.9';
        const expected = await reference.increment(key, 10_000, 5, blockDuration, 'default');
        const actual = await storage.increment(key, 10_000, 5, blockDuration, 'default');
        expect({ call, ...seen(actual) }).toEqual({ call, ...seen(expected) });
        if (expected.isBlocked) refused += 1;
      }
      // The sequence reaches the limit often and pauses long enough for windows and blocks to end.
      expect(refused).toBeGreaterThan(100);
      expect(refused).toBeLessThan(2_900);
    } finally {
      reference.onApplicationShutdown();
    }
  });

  it('refuses the request after the limit and tells when the block ends', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    for (let hit = 1; hit <= 3; hit += 1) {
      expect(await storage.increment('client', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: hit, isBlocked: false });
      now += 1_000;
    }
    expect(await storage.increment('client', 60_000, 3, 60_000, 'default')).toEqual({
      totalHits: 4,
      timeToExpire: 57,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    now += 60_000;
    expect(await storage.increment('client', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('announces a block of a whole window as that many seconds, whatever fraction of a millisecond it starts at', async () => {
    // At this instant, (now + 60,000) - now is 60,000.00000000003 in floating point.
    const now = 257_650.374_422_604_42;
    expect(Math.ceil((now + 60_000 - now) / 1000)).toBe(61);
    const storage = new SlidingWindowStorage(() => now);
    for (let hit = 1; hit <= 3; hit += 1) await storage.increment('client', 60_000, 3, 60_000, 'default');
    expect(await storage.increment('client', 60_000, 3, 60_000, 'default')).toEqual({
      totalHits: 4,
      timeToExpire: 60,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
  });

  it('keeps a busy client’s window exact: a hit counts for the window and no longer', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    // 10,000 hits one ms apart: far more than a compaction's worth of spent hits at the front.
    let last: HitCount | undefined;
    for (let hit = 0; hit < 10_000; hit += 1) {
      last = await storage.increment('busy', 1_000, 1_000_000, 1_000, 'default');
      now += 1;
    }
    // The last hit came at ms 9,999: the hits of ms 9,000 to 9,999 count, then those of 9,001 to 10,000.
    expect(last?.totalHits).toBe(1_000);
    expect((await storage.increment('busy', 1_000, 1_000_000, 1_000, 'default')).totalHits).toBe(1_000);
  });

  it('forgets clients with nothing left counting, once per window', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    await storage.increment('first', 1_000, 2, 5_000, 'default');
    for (let hit = 0; hit < 3; hit += 1) await storage.increment('blocked', 1_000, 2, 5_000, 'default');
    expect(storage.size).toBe(2);
    now = 2_000;
    await storage.increment('third', 1_000, 2, 5_000, 'default');
    // 'first' had only a spent hit; 'blocked' is still serving its block.
    expect(storage.size).toBe(2);
    now = 8_000;
    await storage.increment('fourth', 1_000, 2, 5_000, 'default');
    expect(storage.size).toBe(1);
  });
});
