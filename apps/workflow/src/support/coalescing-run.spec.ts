import { CoalescingRun } from './coalescing-run';

describe('CoalescingRun', () => {
  it('runs once more after wake-ups that came during a run, however many, and never twice at once', async () => {
    let release: () => void = () => undefined;
    let runs = 0;
    let concurrent = 0;
    let most = 0;
    const run = new CoalescingRun(async () => {
      runs += 1;
      concurrent += 1;
      most = Math.max(most, concurrent);
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      concurrent -= 1;
    }, fail);
    run.wake();
    run.wake();
    run.wake();
    release();
    await run.idle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('reports a failed run and runs again on the next wake-up; nothing runs once stopped', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const run = new CoalescingRun(async () => {
      runs += 1;
      if (runs === 1) throw new Error('down');
    }, (error) => errors.push(error));
    run.wake();
    await new Promise((resolve) => setImmediate(resolve));
    run.wake();
    await new Promise((resolve) => setImmediate(resolve));
    await run.stop();
    run.wake();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });
});

function fail(error: unknown): never {
  throw error;
}
