import type { Benchmark } from '../support/benchmark';
import { intakeApiBenchmark } from './intake-api.benchmark';
import { intakeThroughputBenchmark } from './intake-throughput.benchmark';
import { timerCostBenchmark } from './timer-cost.benchmark';

/** Every benchmark, in the order `make bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [timerCostBenchmark, intakeApiBenchmark, intakeThroughputBenchmark];
