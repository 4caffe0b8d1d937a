import { round } from './benchmark';

const MB = 1024 * 1024;

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
}

/** Every second, this process's memory: the service under test runs in it. */
export function sampleMemory(intervalMs = 1000): { samples: MemorySample[]; stop: () => void } {
  const samples: MemorySample[] = [];
  const take = () => {
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ rss, heapUsed });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return { samples, stop: () => clearInterval(timer) };
}

export interface MemoryThirds {
  readonly samples: number;
  readonly rssFirstMb: number;
  readonly rssLastMb: number;
  readonly heapFirstMb: number;
  readonly heapLastMb: number;
  readonly rssMaxMb: number;
}

/** Mean memory over the first and the last third of the samples: flat memory keeps them close. */
export function memoryThirds(samples: readonly MemorySample[]): MemoryThirds {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (part: readonly MemorySample[], field: keyof MemorySample) => round(part.reduce((sum, sample) => sum + sample[field], 0) / part.length / MB, 0);
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  return {
    samples: samples.length,
    rssFirstMb: mean(first, 'rss'),
    rssLastMb: mean(last, 'rss'),
    heapFirstMb: mean(first, 'heapUsed'),
    heapLastMb: mean(last, 'heapUsed'),
    rssMaxMb: round(Math.max(...samples.map((sample) => sample.rss)) / MB, 0),
  };
}

/** The memory figures of a benchmark's table, under the same names in every benchmark. */
export function memoryFigures(thirds: MemoryThirds): Record<string, number> {
  return {
    memory_samples: thirds.samples,
    rss_first_third_mb: thirds.rssFirstMb,
    rss_last_third_mb: thirds.rssLastMb,
    heap_first_third_mb: thirds.heapFirstMb,
    heap_last_third_mb: thirds.heapLastMb,
    rss_max_mb: thirds.rssMaxMb,
  };
}
