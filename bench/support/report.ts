import os from 'node:os';
import type { BenchmarkResult, Figure } from './benchmark';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export interface BenchmarkFailure {
  readonly name: string;
  readonly error: string;
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly results: readonly BenchmarkResult[];
  readonly failures: readonly BenchmarkFailure[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function figure(value: Figure): string {
  return typeof value === 'number' ? value.toLocaleString('en-GB') : value;
}

function headline(result: BenchmarkResult): string {
  if (result.ratio === undefined) return '';
  return `${result.ratio.value} of baseline ${figure(result.ratio.baseline)} (target ${result.ratio.target})`;
}

/** The run as Markdown: a summary table, then each benchmark's figures. */
export function markdownReport(run: BenchRun): string {
  const { machine } = run;
  const lines = [
    `# Benchmarks${run.quick ? ' (quick: tiny sizes, figures not judged)' : ''}`,
    '',
    `${run.startedAt} to ${run.finishedAt}; ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB memory, Node ${machine.node}, ${machine.platform}.`,
    'The machine is shared: absolute figures are for reading, targets are ratios or latency distributions.',
    '',
    '| benchmark | target | ratio | verdict |',
    '| --- | --- | --- | --- |',
    ...run.results.map((result) => `| ${cell(result.name)} | ${cell(result.target)} | ${cell(headline(result))} | ${result.verdict} |`),
    ...run.failures.map((failure) => `| ${cell(failure.name)} | | | failed: ${cell(failure.error)} |`),
  ];
  for (const result of run.results) {
    lines.push('', `## ${result.name}`, '', '| figure | value |', '| --- | ---: |');
    for (const [name, value] of Object.entries(result.figures)) lines.push(`| ${cell(name)} | ${cell(figure(value))} |`);
  }
  return `${lines.join('\n')}\n`;
}
