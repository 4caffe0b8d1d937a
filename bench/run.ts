/**
 * Runs the benchmarks against the local stack and writes bench/results/<timestamp>.json and
 * bench/results/latest.md (latest-quick.md for a quick run). Usage: run.ts [--quick] [--only <name>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCHMARKS } from './benchmarks';
import type { BenchmarkResult } from './support/benchmark';
import { machineInfo, markdownReport, type BenchmarkFailure, type BenchRun } from './support/report';

const RESULTS_DIR = path.join(__dirname, 'results');

function parseArgs(argv: readonly string[]): { quick: boolean; only: string | null } {
  let quick = false;
  let only: string | null = null;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = argv[(index += 1)] ?? null;
    else throw new Error(`unknown argument ${arg}; usage: run.ts [--quick] [--only <name>]`);
  }
  return { quick, only };
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const selected = only === null ? BENCHMARKS : BENCHMARKS.filter((benchmark) => benchmark.name === only);
  if (selected.length === 0) throw new Error(`no benchmark named "${only}"; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`);

  const startedAt = new Date().toISOString();
  const results: BenchmarkResult[] = [];
  const failures: BenchmarkFailure[] = [];
  for (const benchmark of selected) {
    const started = Date.now();
    process.stdout.write(`== ${benchmark.name}${quick ? ' (quick)' : ''}\n`);
    try {
      const result = await benchmark.run(quick);
      results.push(result);
      process.stdout.write(`   ${result.verdict} in ${Math.round((Date.now() - started) / 1000)} s\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ name: benchmark.name, error: message });
      process.stdout.write(`   failed after ${Math.round((Date.now() - started) / 1000)} s: ${message}\n`);
    }
  }

  const run: BenchRun = { startedAt, finishedAt: new Date().toISOString(), quick, machine: machineInfo(), results, failures };
  const table = markdownReport(run);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${startedAt.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(run, null, 2)}\n`);
  // A quick run's table proves only that the benchmarks run: it never replaces the full run's.
  writeFileSync(path.join(RESULTS_DIR, quick ? 'latest-quick.md' : 'latest.md'), table);
  process.stdout.write(`\n${table}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
