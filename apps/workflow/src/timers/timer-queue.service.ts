import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { timerAt, timerJobId, timerPriority, type TimerJob, type TimerJobName, type TimerJobs } from './timer-jobs';

export type TimerOutcome = 'fired' | 'skipped';
export type TimerHandler<Name extends TimerJobName> = (data: TimerJobs[Name]) => Promise<TimerOutcome>;
type TimerHandlers = { [Name in TimerJobName]: TimerHandler<Name> };

export const TIMER_QUEUE_NAME = Symbol('TIMER_QUEUE_NAME');
const TIMER_JOB_NAMES: readonly TimerJobName[] = ['sla-deadline', 'escalation-unacknowledged'];

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

/**
 * The BullMQ queue of workflow's timers. Timers are a cache of the database: every job can be
 * rebuilt from PostgreSQL (see SlaReconciler), and every handler re-reads the database and answers
 * "skipped" when its timer is no longer current.
 */
@Injectable()
export class TimerQueueService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TimerQueueService.name);
  readonly queue: Queue;
  private worker: Worker | null = null;
  private readonly handlers: Partial<TimerHandlers> = {};

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TIMER_QUEUE_NAME) private readonly queueName: string,
  ) {
    this.queue = new Queue(queueName, { connection: connectionFor(config.redis.url, false) });
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
        data: job.data,
        opts: {
          jobId: timerJobId(job),
          priority: timerPriority(job),
          delay: Math.max(0, timerAt(job).getTime() - now.getTime()),
          removeOnComplete: true,
          removeOnFail: 1000,
          attempts: 10,
          backoff: { type: 'exponential', delay: 500 },
        },
      })),
    );
  }

  async cancel(jobs: readonly TimerJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.queue.remove(timerJobId(job)).catch(() => 0)));
  }

  onApplicationBootstrap(): void {
    const missing = TIMER_JOB_NAMES.filter((name) => this.handlers[name] === undefined);
    if (missing.length > 0) throw new Error(`timer jobs without a handler: ${missing.join(', ')}`);
    this.worker = new Worker(this.queueName, (job: Job) => this.process(job), {
      connection: connectionFor(this.config.redis.url, true),
      concurrency: 50,
    });
    this.worker.on('failed', (job, error) => {
      this.logger.warn({ msg: 'timer job failed; BullMQ retries it', job: job?.id, error: error.message });
    });
  }

  private async process(job: Job): Promise<TimerOutcome> {
    const name = job.name as TimerJobName;
    const handler = this.handlers[name] as TimerHandler<typeof name> | undefined;
    if (handler === undefined) throw new Error(`no handler for timer job "${job.name}"`);
    // A delayed job can be promoted a hair early; a deadline is never announced before it is due.
    const early = new Date((job.data as { at: string }).at).getTime() - Date.now();
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    return handler(job.data as never);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
