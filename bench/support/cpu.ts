import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** The kernel's unit for a process's CPU time in /proc: 100 a second on Linux unless getconf says otherwise. */
const CLOCK_TICKS_PER_S = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's command and CPU seconds (user + system) so far, from /proc/<pid>/stat; null once it is gone. */
function processStat(pid: string): { command: string; cpuS: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command is in parentheses and may hold spaces; utime and stime are the 12th and 13th fields after it.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, close), cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S };
}

/** CPU seconds of one process. */
export function processCpuSeconds(pid: number): number {
  return processStat(String(pid))?.cpuS ?? Number.NaN;
}

/**
 * CPU seconds of every live process running `command` (every PostgreSQL backend, say). A process that
 * ended between two readings takes its time with it, so this is a lower bound for short-lived ones.
 */
export function commandCpuSeconds(command: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = processStat(pid);
    if (stat?.command === command) total += stat.cpuS;
  }
  return total;
}

/** Redis' own CPU seconds (INFO cpu), whatever its process is named. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return seconds('used_cpu_sys') + seconds('used_cpu_user');
}

/** CPU seconds of this process (the benchmark itself), main thread and workers together. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export type CpuReading = Readonly<Record<string, number>>;

/** Reads every part's CPU seconds at once. */
export async function readCpu(parts: Readonly<Record<string, () => number | Promise<number>>>): Promise<CpuReading> {
  const entries = await Promise.all(Object.entries(parts).map(async ([name, read]) => [name, await read()] as const));
  return Object.fromEntries(entries);
}

/** Each part's CPU seconds between two readings. */
export function cpuBetween(before: CpuReading, after: CpuReading): CpuReading {
  return Object.fromEntries(Object.keys(after).map((name) => [name, (after[name] ?? Number.NaN) - (before[name] ?? Number.NaN)]));
}
