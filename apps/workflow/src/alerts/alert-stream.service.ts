import { Injectable, Logger, type MessageEvent, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Observable, Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AlertsRepository, type AlertRow } from './alerts.repository';
import { toAlertView } from './alert-view.mapper';
import { CoalescingRun } from '../support/coalescing-run';

interface Subscriber {
  lastId: string;
  readonly storeIds: readonly string[] | undefined;
  readonly push: (alerts: AlertRow[]) => void;
  readonly delivery: CoalescingRun;
}

const PAGE = 500;
const FALLBACK_POLL_MS = 1000;

/**
 * Live alerts for Server-Sent Events. New alerts wake the sequencer (the alerts trigger's NOTIFY),
 * which places them in the stream; placed alerts wake the subscribers (the sequencer's NOTIFY), with a
 * one-second poll as a fallback for both. Every subscriber keeps the stream id of the last alert it was
 * sent and reads PostgreSQL after it, so a client that reconnects with Last-Event-ID misses nothing and
 * several workflow instances serve the same stream.
 */
@Injectable()
export class AlertStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertStreamService.name);
  private readonly subscribers = new Set<Subscriber>();
  private listener: Client | null = null;
  private poll: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Places committed alerts in the stream, one run at a time here (the lock spans instances). */
  private readonly sequencer = new CoalescingRun(
    async () => {
      while ((await this.alerts.sequence(this.dataSource.manager)) > 0);
    },
    (error) => this.logger.warn({ msg: 'alert sequencing failed; the next wake retries it', error: String(error) }),
  );
  private readonly advances = new Subject<void>();

  /**
   * Ticks whenever the stream may have advanced: on the sequencer's NOTIFY from any instance, and on
   * every fallback poll. For readers of the stream other than the SSE subscribers, so the service
   * keeps one LISTEN connection.
   */
  readonly advanced: Observable<void> = this.advances.asObservable();

  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    this.poll = setInterval(() => {
      this.sequencer.wake();
      this.wakeAll();
    }, FALLBACK_POLL_MS);
    this.poll.unref();
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.poll !== null) clearInterval(this.poll);
    this.advances.complete();
    await this.sequencer.stop();
    for (const subscriber of this.subscribers) await subscriber.delivery.stop();
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  stream(lastEventId: string, storeIds: readonly string[] | undefined): Observable<MessageEvent> {
    return new Observable<MessageEvent>((observer) => {
      const subscriber: Subscriber = {
        lastId: lastEventId,
        storeIds,
        push: (rows) => rows.forEach((row) => observer.next({ id: row.stream_id ?? undefined, type: row.kind, data: toAlertView(row) })),
        delivery: new CoalescingRun(
          () => this.deliver(subscriber),
          (error) => this.logger.warn({ msg: 'alert delivery failed; the next wake retries it', error: String(error) }),
        ),
      };
      this.subscribers.add(subscriber);
      subscriber.delivery.wake();
      return () => {
        this.subscribers.delete(subscriber);
        void subscriber.delivery.stop();
      };
    });
  }

  private wakeAll(): void {
    for (const subscriber of this.subscribers) subscriber.delivery.wake();
    this.advances.next();
  }

  /** Sends a subscriber every alert placed after the last one it was sent, a page at a time. */
  private async deliver(subscriber: Subscriber): Promise<void> {
    for (;;) {
      const rows = await this.alerts.after(this.dataSource.manager, subscriber.lastId, PAGE, subscriber.storeIds);
      if (rows.length === 0 || !this.subscribers.has(subscriber)) return;
      subscriber.push(rows);
      subscriber.lastId = rows[rows.length - 1]?.stream_id ?? subscriber.lastId;
      if (rows.length < PAGE) return;
    }
  }

  private async listen(): Promise<void> {
    const options = this.dataSource.options as PostgresConnectionOptions;
    const client = new Client({ connectionString: options.url });
    const schema = options.schema ?? 'public';
    client.on('notification', (message) => (message.channel === `alerts_${schema}` ? this.sequencer.wake() : this.wakeAll()));
    client.on('error', (error) => {
      this.logger.warn({ msg: 'alert listener lost; polling until it reconnects', error: error.message });
      this.listener = null;
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "alerts_${schema}"`);
      await client.query(`LISTEN "alert_stream_${schema}"`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn({ msg: 'alert listener could not connect; polling', error: String(error) });
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    }
  }
}
