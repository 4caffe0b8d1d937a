import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ServiceName } from '@app/config';
import { expectEventually } from './eventually';
import { REPO_ROOT } from './infrastructure';

export interface RunningService {
  readonly name: ServiceName;
  readonly url: string;
  readonly process: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code (or signal) once the process has ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Whether anything answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`);
    return true;
  } catch {
    return false;
  }
}

/** Starts a built service (make build) as its own process, as `make up` does, and waits until it is ready. */
export async function startService(name: ServiceName, port: number, env: Record<string, string> = {}): Promise<RunningService> {
  const entry = path.join(REPO_ROOT, 'dist/apps', name, 'src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run make build first`);
  const url = `http://127.0.0.1:${port}`;
  // A service left running by an interrupted run would answer in the new one's place, on other topics.
  if (await answers(url)) throw new Error(`${name}: port ${port} is already taken, perhaps by a service an interrupted run left behind`);
  // The young-generation size the image sets (Dockerfile NODE_OPTIONS), so a process runs as deployed.
  const child = spawn(process.execPath, ['--max-semi-space-size=64', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', HTTP_PORT: String(port), LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
        const response = await fetch(`${url}/ready`);
        if (response.status !== 200) throw new Error(`${name} answered /ready with ${response.status}`);
      },
      { timeoutMs: 40_000, intervalMs: 200 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name,
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
