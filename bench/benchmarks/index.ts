import type { Benchmark } from '../support/benchmark';
import { analyticsRecomputeBenchmark } from './analytics-recompute.benchmark';
import { breachLatenessBenchmark } from './breach-lateness.benchmark';
import { endToEndLatencyBenchmark } from './end-to-end-latency.benchmark';
import { intakeApiBenchmark } from './intake-api.benchmark';
import { intakeThroughputBenchmark } from './intake-throughput.benchmark';
import { scaleOutBenchmark } from './scale-out.benchmark';
import { timerCostBenchmark } from './timer-cost.benchmark';

/** Every benchmark, in the order `make bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [timerCostBenchmark, breachLatenessBenchmark, intakeApiBenchmark, intakeThroughputBenchmark, endToEndLatencyBenchmark, scaleOutBenchmark, analyticsRecomputeBenchmark];
