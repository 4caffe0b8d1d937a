import { BENCHMARKS } from './benchmarks';

/**
 * Every benchmark at its quick size, as part of the test suite: proves each still runs end to end
 * against the real stack and reports its figures. The figures of a quick run judge nothing (the
 * sizes are too small), so only that they were measured is checked; `make bench` judges targets.
 */
describe('benchmarks at quick size', () => {
  jest.setTimeout(180_000);

  it.each(BENCHMARKS.map((benchmark) => [benchmark.name, benchmark] as const))('%s runs and reports its figures', async (_name, benchmark) => {
    const result = await benchmark.run(true);

    expect(result.name).toBe(benchmark.name);
    expect(result.verdict).toBe('reported');
    const figures = Object.entries(result.figures);
    expect(figures.length).toBeGreaterThan(0);
    for (const [name, value] of figures) {
      if (typeof value === 'number') expect({ name, finite: Number.isFinite(value) }).toEqual({ name, finite: true });
    }
  });
});
