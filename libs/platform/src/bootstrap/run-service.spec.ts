import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SAMPLE_SERVICE = path.join(__dirname, 'fixtures/sample-service.ts');

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunningService {
  readonly child: ChildProcessWithoutNullStreams;
  readonly finished: Promise<Finished>;
  /** Resolves once standard output contains `text`. */
  readonly printed: (text: string) => Promise<void>;
}

function startSampleService(env: NodeJS.ProcessEnv): RunningService {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', SAMPLE_SERVICE], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json'), ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.filter(({ text }) => stdout.includes(text))) waiter.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const printed = (text: string): Promise<void> =>
    stdout.includes(text)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiters.push({ text, resolve })),
          finished.then((result) => {
            throw new Error(`the service exited (${result.code ?? result.signal}) before printing "${text}":\n${result.stderr}`);
          }),
        ]);
  return { child, finished, printed };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('runService', () => {
  jest.setTimeout(60_000);

  it('prints a configuration error without a stack trace and exits with status 1', async () => {
    const service = startSampleService({ HTTP_PORT: 'eighty', REDIS_URL: 'http://nowhere' });
    const result = await service.finished;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('intake: Invalid configuration:');
    expect(result.stderr).toContain('HTTP_PORT');
    expect(result.stderr).toContain('REDIS_URL');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  });

  it('serves, and on SIGTERM runs the shutdown hooks in order and exits', async () => {
    const port = await freePort();
    const service = startSampleService({ HTTP_PORT: String(port), LOG_LEVEL: 'info' });
    await service.printed(`intake listening on http://0.0.0.0:${port}`);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: 'intake' });
    expect(service.child.kill('SIGTERM')).toBe(true);
    const result = await service.finished;

    expect(result.signal).toBe('SIGTERM');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('hook '))).toEqual([
      'hook onModuleDestroy',
      'hook beforeApplicationShutdown SIGTERM',
      'hook onApplicationShutdown SIGTERM',
    ]);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line['service'] === 'intake')).toBe(true);
  });
});
