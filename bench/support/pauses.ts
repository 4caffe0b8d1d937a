import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { round } from './benchmark';

export interface Pauses {
  /** Garbage collections of this process's main thread (young and old generation). */
  readonly gcCount: number;
  readonly gcMaxMs: number;
  /** Milliseconds of collection per second of wall time. */
  readonly gcMsPerS: number;
  /** How late a timer of this process's event loop fired, 99th percentile. */
  readonly loopDelayP99Ms: number;
}

/**
 * Watches this process's own pauses (the service under test runs in it; a load generator in a worker
 * thread has a heap and an event loop of its own) until the returned function is called. A request that
 * arrives during a collection or behind a busy loop waits for it, so these explain much of a tail latency.
 */
export function watchPauses(): () => Pauses {
  const collections: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[]) collections.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  // Sampled every 10 ms (the default): finer sampling would itself keep the loop busier.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  return () => {
    observer.disconnect();
    delay.disable();
    const seconds = Math.max(0.001, (performance.now() - started) / 1000);
    return {
      gcCount: collections.length,
      gcMaxMs: round(Math.max(0, ...collections)),
      gcMsPerS: round(collections.reduce((sum, duration) => sum + duration, 0) / seconds),
      loopDelayP99Ms: round(delay.percentile(99) / 1e6),
    };
  };
}
