import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { classifyFailure, describeError } from '@app/messaging';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { storedTimer, timerAt, timerJobData, timerJobId, timerPriority, type TimerJob, type TimerJobName, type TimerJobs } from './timer-jobs';

export type TimerOutcome = 'fired' | 'skipped';
/** Fires due timers of one name together; answers one outcome per timer, in their order. */
export type TimerHandler<Name extends TimerJobName> = (timers: ReadonlyArray<TimerJobs[Name]>) => Promise<TimerOutcome[]>;
type TimerHandlers = { [Name in TimerJobName]: TimerHandler<Name> };

interface DueTimer {
  readonly timer: TimerJob;
  readonly resolve: (outcome: TimerOutcome) => void;
  readonly reject: (error: unknown) => void;
}

export const TIMER_QUEUE_NAME = Symbol('TIMER_QUEUE_NAME');
const TIMER_JOB_NAMES: readonly TimerJobName[] = ['sla-deadline', 'escalation-unacknowledged'];
/** How long a fetched job stays locked to this instance without renewal (renewed at half of it). */
const LOCK_MS = 30_000;
/** Batches committing at once; more would only compete for the database (see fireDue). */
const BATCHES_IN_FLIGHT = 2;
/** Requests for due jobs in flight at once while a burst is taken. */
const PARALLEL_FETCHES = 32;

export function connectionFor(url: string, worker: boolean): ConnectionOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username || undefined,
    password: parsed.password || undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ requires them never to give up a command.
    ...(worker ? { maxRetriesPerRequest: null } : {}),
  };
}

/** Commands issued together (a batch's completions, parallel fetches, reconciliation's questions) go in one write. */
function pipelined(options: ConnectionOptions): ConnectionOptions {
  return { ...(options as RedisOptions), enableAutoPipelining: true };
}

/**
 * The BullMQ queue of workflow's timers. Timers are a cache of the database: every job can be
 * rebuilt from PostgreSQL (see SlaReconciler), and every handler re-reads the database and answers
 * "skipped" when its timer is no longer current.
 *
 * Timers falling due together (a thousand deadlines in one second) fire in batches: the jobs that
 * become due within a few milliseconds are handed to their handler at once, which acts on all of them
 * in one transaction, and each job completes after that commit. A batch that fails for a reason other
 * than the infrastructure is fired again one job at a time, so one bad deadline holds up none of the
 * others; a failed job is retried by BullMQ with backoff.
 *
 * Jobs are fetched here rather than by BullMQ's processing loop, which stops fetching while any job it
 * holds is unfinished once the queue looks empty: with jobs held for their batch's commit, timers
 * falling due meanwhile would wait for that commit. Here fetching goes on (up to
 * WORKFLOW_TIMER_CONCURRENCY held jobs) while batches commit; held jobs' locks are renewed, and the
 * stalled-job check returns the jobs of a crashed instance to the queue.
 */
@Injectable()
export class TimerQueueService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TimerQueueService.name);
  readonly queue: Queue;
  private worker: Worker | null = null;
  private readonly handlers: Partial<TimerHandlers> = {};
  private due: DueTimer[] = [];
  private gathering: NodeJS.Timeout | null = null;
  private inFlight = 0;
  /** Fetched jobs not yet completed or failed, with their lock tokens and the promise of their end. */
  private readonly held = new Map<string, { readonly token: string; done: Promise<void> }>();
  private fetching: Promise<void> | null = null;
  private stopping = false;
  private freed: (() => void) | null = null;
  private lockRenewal: NodeJS.Timeout | null = null;
  private tokens = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TIMER_QUEUE_NAME) private readonly queueName: string,
  ) {
    this.queue = new Queue(queueName, { connection: pipelined(connectionFor(config.redis.url, false)) });
  }

  /** Each job name has exactly one handler; registering twice is a wiring mistake. */
  handle<Name extends TimerJobName>(name: Name, handler: TimerHandler<Name>): void {
    if (this.handlers[name] !== undefined) throw new Error(`timer job "${name}" already has a handler`);
    (this.handlers as Record<TimerJobName, unknown>)[name] = handler;
  }

  async schedule(jobs: readonly TimerJob[], now: Date): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((job) => ({
        name: job.name,
        data: timerJobData(job),
        // Removal of finished jobs is the worker's setting: options given here are stored with every job.
        opts: {
          jobId: timerJobId(job),
          priority: timerPriority(job),
          delay: Math.max(0, timerAt(job).getTime() - now.getTime()),
          attempts: 10,
          backoff: { type: 'exponential', delay: 500 },
        },
      })),
    );
  }

  /**
   * `schedule` for the jobs not already in the queue (in whatever state): reconciliation asks about
   * every pending deadline each round, and asking whether a job exists costs Redis and this process
   * far less than adding it again. A job that goes between the question and the add is added again,
   * as `schedule` would; its handler finds the deadline notified and skips it.
   */
  async scheduleMissing(jobs: readonly TimerJob[], now: Date): Promise<number> {
    if (jobs.length === 0) return 0;
    const client = await this.queue.client;
    // Sent together: the client writes them in one go and reads the answers as they come.
    const exists = await Promise.all(jobs.map((job) => client.hexists(this.queue.toKey(timerJobId(job)), 'name')));
    const missing = jobs.filter((_, index) => exists[index] !== 1);
    await this.schedule(missing, now);
    return missing.length;
  }

  async cancel(jobs: readonly TimerJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.queue.remove(timerJobId(job)).catch(() => 0)));
  }

  onApplicationBootstrap(): void {
    const missing = TIMER_JOB_NAMES.filter((name) => this.handlers[name] === undefined);
    if (missing.length > 0) throw new Error(`timer jobs without a handler: ${missing.join(', ')}`);
    const worker = new Worker(this.queueName, null, {
      connection: pipelined(connectionFor(this.config.redis.url, true)),
      lockDuration: LOCK_MS,
      // An idle instance asks Redis for due jobs at least once a second, so it stops within one.
      drainDelay: 1,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    worker.on('error', (error) => this.logger.warn({ msg: 'timer worker error', error: describeError(error) }));
    this.worker = worker;
    void worker.startStalledCheckTimer().catch((error: unknown) => this.logger.warn({ msg: 'stalled timer check failed', error: describeError(error) }));
    this.lockRenewal = setInterval(() => void this.renewLocks(worker), LOCK_MS / 2);
    this.fetching = this.fetch(worker);
  }

  /**
   * Takes due jobs as they come, while fewer than WORKFLOW_TIMER_CONCURRENCY are held: waits (blocking
   * on Redis) for the first, lets the others due with it gather for WORKFLOW_TIMER_BATCH_WAIT_MS, then
   * takes them with ever more requests at once (BullMQ hands out one job per request) until one comes
   * back empty. Deadlines falling due a millisecond apart are so taken a few at a time, and a burst fast.
   */
  private async fetch(worker: Worker): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.room();
        if (this.stopping) break;
        if (await this.take(worker, true)) {
          await new Promise((resolve) => setTimeout(resolve, this.config.workflow.timerBatching.waitMs));
          for (let width = 1; !this.stopping; width = Math.min(PARALLEL_FETCHES, width * 2)) {
            const free = this.config.workflow.timerBatching.concurrency - this.held.size;
            if (free <= 0) break;
            const taken = await Promise.all(Array.from({ length: Math.min(width, free) }, () => this.take(worker, false)));
            if (!taken.every(Boolean)) break;
          }
        }
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        failures += 1;
        this.logger.warn({ msg: 'fetching timer jobs failed; retrying', attempt: failures, error: describeError(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 200 * 2 ** Math.min(failures, 6))));
      }
    }
  }

  /** Fetches one job and starts it; answers whether there was one. */
  private async take(worker: Worker, block: boolean): Promise<boolean> {
    const token = `${worker.id}:${(this.tokens += 1)}`;
    const job = await worker.getNextJob(token, { block });
    if (job?.id === undefined) return false;
    const jobId = job.id;
    const entry = { token, done: Promise.resolve() };
    this.held.set(jobId, entry);
    entry.done = this.run(job, token).finally(() => {
      this.held.delete(jobId);
      this.freed?.();
      this.freed = null;
    });
    return true;
  }

  private async room(): Promise<void> {
    while (!this.stopping && this.held.size >= this.config.workflow.timerBatching.concurrency) {
      await new Promise<void>((resolve) => (this.freed = resolve));
    }
  }

  /** Completes a job after its handler's commit; a failure goes back to BullMQ, which retries with backoff. */
  private async run(job: Job, token: string): Promise<void> {
    let outcome: TimerOutcome;
    try {
      outcome = await this.process(job);
    } catch (error) {
      this.logger.warn({ msg: 'timer job failed; BullMQ retries it', job: job.id, error: describeError(error) });
      // If Redis refuses this too, the job's lock runs out and the stalled-job check puts it back.
      await job.moveToFailed(error instanceof Error ? error : new Error(String(error)), token, false).catch(() => undefined);
      return;
    }
    await job.moveToCompleted(outcome, token, false).catch((error: unknown) => {
      this.logger.warn({ msg: 'completing a timer job failed; it comes back and is skipped', job: job.id, error: describeError(error) });
    });
  }

  private async renewLocks(worker: Worker): Promise<void> {
    if (this.held.size === 0) return;
    const entries = [...this.held];
    await worker
      .extendJobLocks(
        entries.map(([jobId]) => jobId),
        entries.map(([, entry]) => entry.token),
        LOCK_MS,
      )
      .catch((error: unknown) => this.logger.warn({ msg: 'renewing timer job locks failed', error: describeError(error) }));
  }

  private async process(job: Job): Promise<TimerOutcome> {
    // BullMQ fires a job at its timestamp plus its delay, to the millisecond (and may promote it a hair early).
    const at = new Date(job.timestamp + (job.opts.delay ?? 0));
    const timer = storedTimer(job.name, job.id ?? '', job.data, at);
    // A job of another id form (left by an earlier version) has a successor in the current form,
    // which reconciliation on start scheduled; the firing itself is idempotent either way.
    if (timer === null) return 'skipped';
    if (this.handlers[timer.name] === undefined) throw new Error(`no handler for timer job "${job.name}"`);
    // A deadline is never announced before it is due.
    const early = at.getTime() - Date.now();
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    return new Promise<TimerOutcome>((resolve, reject) => {
      this.due.push({ timer, resolve, reject });
      const { size, waitMs } = this.config.workflow.timerBatching;
      if (this.due.length >= size) this.fireDue();
      else this.gathering ??= setTimeout(() => this.fireDue(), waitMs);
    });
  }

  /**
   * Hands the timers gathered so far to their handlers, unless BATCHES_IN_FLIGHT batches are committing:
   * then they wait for one of those to end, and go together. So a burst makes batches grow up to
   * WORKFLOW_TIMER_BATCH_SIZE rather than queue up as many small transactions.
   */
  private fireDue(): void {
    if (this.gathering !== null) clearTimeout(this.gathering);
    this.gathering = null;
    if (this.inFlight >= BATCHES_IN_FLIGHT || this.due.length === 0) return;
    const batch = this.due.splice(0, this.config.workflow.timerBatching.size);
    this.inFlight += 1;
    void this.fireBatch(batch).finally(() => {
      this.inFlight -= 1;
      this.fireDue();
    });
    if (this.due.length >= this.config.workflow.timerBatching.size) this.fireDue();
  }

  /**
   * Breaches first, then escalations to operations, then warnings (timerPriority): each run of one
   * job name in that order is one call of its handler.
   */
  private async fireBatch(batch: readonly DueTimer[]): Promise<void> {
    const ordered = [...batch].sort((a, b) => timerPriority(a.timer) - timerPriority(b.timer));
    for (let start = 0; start < ordered.length; ) {
      let end = start + 1;
      while (end < ordered.length && ordered[end]?.timer.name === ordered[start]?.timer.name) end += 1;
      await this.fireGroup(ordered.slice(start, end));
      start = end;
    }
  }

  private async fireGroup(group: readonly DueTimer[]): Promise<void> {
    const name = group[0]?.timer.name;
    if (name === undefined) return;
    const handler = this.handlers[name] as TimerHandler<typeof name>;
    const run = async (timers: readonly DueTimer[]) => {
      const outcomes = await handler(timers.map((due) => due.timer.data as never));
      if (outcomes.length !== timers.length) throw new Error(`timer handler "${name}" answered ${outcomes.length} outcomes for ${timers.length} timers`);
      timers.forEach((due, index) => due.resolve(outcomes[index] ?? 'skipped'));
    };
    try {
      await run(group);
      return;
    } catch (error) {
      if (group.length === 1 || classifyFailure(error) === 'transient') {
        group.forEach((due) => due.reject(error));
        return;
      }
      this.logger.warn({ msg: 'timer batch failed; firing its timers one at a time', job: name, timers: group.length, error: describeError(error) });
    }
    for (const due of group) await run([due]).catch((error: unknown) => due.reject(error));
  }

  /** Stops fetching, lets the held jobs finish (firing what is gathered at once), then closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.freed?.();
    await this.fetching;
    if (this.due.length > 0) this.fireDue();
    await Promise.all([...this.held.values()].map((entry) => entry.done));
    if (this.lockRenewal !== null) clearInterval(this.lockRenewal);
    await this.worker?.close();
    await this.queue.close();
  }
}
