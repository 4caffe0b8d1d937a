import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnModuleDestroy,
} from '@nestjs/common';

/** Resolves when the dependency is usable, rejects (with a useful message) when it is not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessCheckOptions {
  /** How long the check may take before it counts as failed; the module's default when absent. */
  readonly timeoutMs?: number;
}

export type ReadinessCheckResult =
  | { readonly ok: true; readonly latencyMs: number }
  | { readonly ok: false; readonly latencyMs: number; readonly error: string };

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready' | 'shutting_down';
  readonly checks: Readonly<Record<string, ReadinessCheckResult>>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;
export const READINESS_OPTIONS = Symbol('READINESS_OPTIONS');

export interface ReadinessOptions {
  readonly checkTimeoutMs: number;
}

interface RegisteredCheck {
  readonly check: ReadinessCheck;
  readonly timeoutMs: number;
}

class CheckTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/**
 * The readiness checks of the app. Modules that own a connection register a check for it (usually
 * in onModuleInit); `/ready` runs them all at once. Once the app starts shutting down the app is no
 * longer ready, whatever the checks say, so load balancers stop sending it traffic.
 */
@Injectable()
export class ReadinessRegistry implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly checks = new Map<string, RegisteredCheck>();
  private stopping = false;

  constructor(@Inject(READINESS_OPTIONS) private readonly options: ReadinessOptions) {}

  register(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? this.options.checkTimeoutMs });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  markShuttingDown(): void {
    this.stopping = true;
  }

  /** Runs every check concurrently, each bounded by its timeout. */
  async run(): Promise<ReadinessReport> {
    if (this.stopping) return { status: 'shutting_down', checks: {} };
    const entries = await Promise.all(
      [...this.checks].map(async ([name, registered]) => [name, await runCheck(registered)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, result]) => result.ok) ? 'ready' : 'not_ready', checks };
  }

  // Nest runs onModuleDestroy before beforeApplicationShutdown; answering "not ready" from the
  // first of them gives load balancers the whole shutdown to notice.
  onModuleDestroy(): void {
    this.markShuttingDown();
  }

  beforeApplicationShutdown(): void {
    this.markShuttingDown();
  }
}

async function runCheck({ check, timeoutMs }: RegisteredCheck): Promise<ReadinessCheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return { ok: true, latencyMs: elapsedSince(started) };
  } catch (error) {
    return { ok: false, latencyMs: elapsedSince(started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsedSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
