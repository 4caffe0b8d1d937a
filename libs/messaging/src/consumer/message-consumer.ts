import { Logger } from '@nestjs/common';
import type { DecodeResult } from '@app/contracts';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import type { DeadLetterPublisher, SourceMessage } from './dead-letter';
import { classifyFailure, describeError, NonRetryableError } from './errors';

export interface MessageContext {
  readonly source: SourceMessage;
  /** Keeps the group membership alive during long work on one message. */
  heartbeat(): Promise<void>;
}

/** A decoded message of a run handed to `handleBatch`. */
export interface BatchItem<T> {
  readonly value: T;
  readonly source: SourceMessage;
}

export interface OffsetCommit {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read, i.e. the last processed offset + 1. */
  readonly offset: string;
}

export type OffsetCommitter = (commits: readonly OffsetCommit[]) => Promise<void>;

export interface ConsumerObserver {
  processed?(source: SourceMessage): void;
  deadLettered?(source: SourceMessage, code: string): void;
  retried?(source: SourceMessage, kind: string, attempt: number): void;
}

export interface MessageConsumerOptions<T> {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. Domain consumers replay from the beginning. */
  readonly fromBeginning?: boolean;
  /**
   * Optional: recognises, without decoding, a message this consumer has no use for (by its event-type
   * header, say); such a message is passed over and its offset committed like a handled one.
   */
  readonly ignore?: (message: SourceMessage) => boolean;
  /** Turns the raw message into the handler's input; a failure dead-letters the message with its reason. */
  readonly decode: (message: SourceMessage) => DecodeResult<T> | Promise<DecodeResult<T>>;
  /**
   * Does the work, durably, before it returns: the offset is committed only after it resolves.
   * Throw NonRetryableError for a message that can never succeed; anything else is retried.
   */
  readonly handle: (value: T, context: MessageContext) => Promise<void>;
  /**
   * Optional: does the work of a run of consecutive messages of one partition at once (typically
   * in one transaction), durably, before it returns; offsets are committed only after it resolves.
   * When it throws and the infrastructure is not at fault, the run is handled again one message at
   * a time through `handle` (idempotent, like every handler), so one bad message cannot hold up the
   * others and is dead-lettered on its own.
   */
  readonly handleBatch?: (items: readonly BatchItem<T>[], context: Omit<MessageContext, 'source'>) => Promise<void>;
  /** The most messages handed to `handleBatch` at once. */
  readonly maxBatchSize?: number;
  /** Attempts for an unexpected handler failure before the message is dead-lettered. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Fetch long-poll; also bounds how long a stop waits for an idle fetch to return. */
  readonly maxWaitTimeMs?: number;
  readonly observer?: ConsumerObserver;
  /** Replaceable so fault-injection tests can lose a commit; defaults to the group's commit. */
  readonly commitOffsets?: OffsetCommitter;
}

type Outcome = 'done' | 'aborted';

const COMMIT_INTERVAL_MS = 1000;
const DEFAULT_MAX_BATCH_SIZE = 500;
const HEARTBEAT_SLICE_MS = 1000;
/**
 * A heartbeat is sent between runs once this long has passed since the last; it is how a member hears
 * that the group is rebalancing, so it bounds how long a joining member waits on a busy one.
 */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}

export function toSourceMessage(topic: string, partition: number, message: KafkaMessage): SourceMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: headersOf(message.headers),
    timestamp: message.timestamp,
  };
}

const REBALANCE_SIGNALS = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

function isRebalanceSignal(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REBALANCE_SIGNALS.has(type);
}

function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/**
 * The consumer every service builds on. At-least-once, never silent:
 *  - a message's offset is committed only after its handler (and so its database transaction) succeeded,
 *    or after its dead-letter record was acknowledged by the broker;
 *  - a message that cannot be decoded, or that its handler refuses for good, goes to the dead-letter
 *    topic with its original bytes and reason, and the partition moves on;
 *  - infrastructure failures are retried with backoff for as long as they last, heartbeating meanwhile;
 *  - offsets are committed at most about once a second per partition: a batch's offsets are committed
 *    at its end only if the partition's last commit is older than that, else shortly after by a timer
 *    (one request for every partition waiting), at once when a rebalance ends the batch, and on stop;
 *  - on stop, the message in hand is finished (or left uncommitted) before the group is left.
 * Re-delivery after a crash is normal; handlers are idempotent (see idempotency/).
 */
export class MessageConsumer<T> {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private running = false;
  /** Offsets handled but not yet committed, by "topic/partition"; the timer commits them. */
  private readonly pending = new Map<string, OffsetCommit>();
  private readonly lastCommitAt = new Map<string, number>();
  private commitTimer: NodeJS.Timeout | null = null;
  /**
   * The group's rebalance signal, once any batch in hand has heard it: every other batch of the same
   * fetch stops too, instead of working through a run of its own before its own heartbeat hears it again.
   * Cleared when the member has rejoined.
   */
  private rebalanceSignal: unknown = null;

  constructor(
    kafka: Kafka,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly options: MessageConsumerOptions<T>,
  ) {
    this.logger = new Logger(`Consumer:${options.groupId}`);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10000, restartOnFailure: async () => true },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.rebalanceSignal = null;
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.logger.error({ msg: 'consumer crashed; kafkajs restarts it', error: describeError(event.payload.error) });
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Resolves once the consumer has joined its group and received its partitions. */
  async start(): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        remove();
        resolve();
      });
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.running = true;
    await joined;
  }

  async stop(): Promise<void> {
    this.running = false;
    // A batch still in hand commits its own offsets as it ends (it sees the consumer stopping).
    await this.commitPending();
    await this.consumer.disconnect();
    if (this.commitTimer !== null) clearTimeout(this.commitTimer);
    this.commitTimer = null;
  }

  private commit(commits: readonly OffsetCommit[]): Promise<void> {
    if (this.options.commitOffsets) return this.options.commitOffsets(commits);
    return this.consumer.commitOffsets(commits.map((commit) => ({ ...commit })));
  }

  /**
   * Commits a partition's offset now if its last commit is older than the interval (or the consumer is
   * stopping), else leaves it to the timer. Fewer commits cost the broker less; a crash before one only means
   * re-delivery of handled messages, which handlers absorb.
   */
  private async commitOffset(commit: OffsetCommit): Promise<void> {
    const key = `${commit.topic}/${commit.partition}`;
    this.pending.set(key, commit);
    const dueIn = (this.lastCommitAt.get(key) ?? 0) + COMMIT_INTERVAL_MS - Date.now();
    if (dueIn <= 0 || !this.running) {
      await this.commitPending([key]);
      return;
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = null;
      void this.commitPending();
    }, dueIn);
  }

  /** Commits the pending offsets (of the given partitions, or all) in one request. */
  private async commitPending(keys: readonly string[] = [...this.pending.keys()]): Promise<void> {
    const commits = keys.flatMap((key) => {
      const commit = this.pending.get(key);
      this.pending.delete(key);
      if (commit === undefined) return [];
      this.lastCommitAt.set(key, Date.now());
      return [commit];
    });
    if (commits.length === 0) return;
    try {
      await this.commit(commits);
    } catch (error) {
      // The work is durable; a lost commit only means re-delivery, which handlers absorb.
      this.logger.warn({ msg: 'offset commit failed', commits, error: describeError(error) });
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat: groupHeartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    // A heartbeat is how the group says it is rebalancing: the member must stop and rejoin at once,
    // or a new member waits for it (up to the rebalance timeout) while it works through its backlog.
    const heartbeat = async () => {
      try {
        await groupHeartbeat();
      } catch (error) {
        if (isRebalanceSignal(error)) this.rebalanceSignal = error;
        throw error;
      }
    };
    const runSize = this.options.handleBatch === undefined ? 1 : (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
    for (let start = 0; start < batch.messages.length; start += runSize) {
      if (!isRunning() || isStale() || this.rebalanceSignal !== null) break;
      const run = batch.messages.slice(start, start + runSize);
      const ignore = this.options.ignore;
      const sources = run
        .map((message) => toSourceMessage(batch.topic, batch.partition, message))
        .filter((source) => ignore === undefined || !ignore(source));
      const outcome =
        sources.length === 0
          ? 'done'
          : sources.length === 1
            ? await this.process(sources[0]!, heartbeat, isRunning)
            : await this.processRun(sources, heartbeat, isRunning);
      if (outcome === 'aborted') break;
      const last = run[run.length - 1]!.offset;
      resolveOffset(last);
      // Committed now if the partition's last commit is old enough, else by the timer (or as below).
      await this.commitOffset({ topic: batch.topic, partition: batch.partition, offset: nextOffset(last) });
      await heartbeat().catch(() => undefined);
    }
    const rebalancing = this.rebalanceSignal;
    if (rebalancing === null) return;
    // Ending for a rebalance, the member commits everything it handled (every partition, while its
    // generation still stands) before it rejoins: the next owners start after it.
    await this.commitPending();
    // kafkajs rejoins the group when eachBatch throws its rebalance error, once every batch of the fetch
    // has ended; a consumer that is stopping must not rejoin (it would reconnect while disconnecting).
    if (isRunning()) throw rebalancing;
  }

  private async decode(source: SourceMessage): Promise<DecodeResult<T>> {
    try {
      return await this.options.decode(source);
    } catch (error) {
      // A decoder is pure: if it throws on these bytes, it will throw on them every time.
      return { ok: false, error: { code: 'decode_failed', message: describeError(error) } };
    }
  }

  /**
   * A run of messages through `handleBatch`: undecodable ones are dead-lettered, the rest handled
   * together. Infrastructure failures retry the run; any other failure hands the run to `handle`
   * message by message, where each gets its own retries and, if need be, its own dead-letter record.
   */
  private async processRun(sources: readonly SourceMessage[], heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<Outcome> {
    const handleBatch = this.options.handleBatch!;
    const items: BatchItem<T>[] = [];
    // Decoded side by side: a decoder that streams (MIME parsing) takes many turns of a busy event loop
    // per message, and one after the other a run of mail waited seconds for them.
    const decoded = await Promise.all(sources.map((source) => this.decode(source)));
    for (const [index, source] of sources.entries()) {
      const result = decoded[index]!;
      if (result.ok) {
        items.push({ value: result.value, source });
        continue;
      }
      const outcome = await this.deadLetter(source, result.error.code, result.error.message, 1, heartbeat, isRunning);
      if (outcome === 'aborted') return outcome;
    }
    if (items.length === 0) return 'done';
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handleBatch(items, { heartbeat });
        for (const item of items) this.options.observer?.processed?.(item.source);
        return 'done';
      } catch (error) {
        if (classifyFailure(error) !== 'transient') {
          this.logger.warn({
            msg: 'batch failed; handling its messages one at a time',
            topic: items[0]!.source.topic,
            partition: items[0]!.source.partition,
            messages: items.length,
            error: describeError(error),
          });
          for (const item of items) {
            // A run handled one at a time can take long: the member stops between messages when the group
            // rebalances or the consumer stops, and the run's next owner handles it again (idempotently).
            if (!isRunning() || this.rebalanceSignal !== null) return 'aborted';
            const outcome = await this.handleDecoded(item, heartbeat, isRunning);
            if (outcome === 'aborted') return outcome;
            await heartbeat().catch(() => undefined);
          }
          return 'done';
        }
        this.options.observer?.retried?.(items[0]!.source, 'transient', attempt);
        this.logger.warn({ msg: 'batch failed; retrying', messages: items.length, attempt, error: describeError(error) });
        if (!(await this.wait(backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF), heartbeat, isRunning))) {
          return 'aborted';
        }
      }
    }
  }

  private async process(source: SourceMessage, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<Outcome> {
    const decoded = await this.decode(source);
    if (!decoded.ok) {
      return this.deadLetter(source, decoded.error.code, decoded.error.message, 1, heartbeat, isRunning);
    }
    return this.handleDecoded({ value: decoded.value, source }, heartbeat, isRunning);
  }

  private async handleDecoded({ value, source }: BatchItem<T>, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<Outcome> {
    const context: MessageContext = { source, heartbeat };
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.handle(value, context);
        this.options.observer?.processed?.(source);
        return 'done';
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === 'permanent' || (kind === 'bounded' && attempt >= maxAttempts)) {
          const code = error instanceof NonRetryableError ? error.code : 'handler_failed';
          return this.deadLetter(source, code, describeError(error), attempt, heartbeat, isRunning);
        }
        this.options.observer?.retried?.(source, kind, attempt);
        this.logger.warn({
          msg: 'message failed; retrying',
          topic: source.topic,
          partition: source.partition,
          offset: Number(source.offset),
          kind,
          attempt,
          error: describeError(error),
        });
        if (!(await this.wait(backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF), heartbeat, isRunning))) {
          return 'aborted';
        }
      }
    }
  }

  private async deadLetter(
    source: SourceMessage,
    code: string,
    reason: string,
    attempts: number,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Outcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deadLetters.publish(source, { code, message: reason, consumerGroup: this.options.groupId, attempts });
        this.options.observer?.deadLettered?.(source, code);
        this.logger.warn({
          msg: 'message dead-lettered',
          topic: source.topic,
          partition: source.partition,
          offset: Number(source.offset),
          code,
          reason,
        });
        return 'done';
      } catch (error) {
        this.logger.warn({ msg: 'dead-letter publish failed; retrying', attempt, error: describeError(error) });
        if (!(await this.wait(backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF), heartbeat, isRunning))) {
          return 'aborted';
        }
      }
    }
  }

  /** Waits without losing the group: heartbeats every second. False when the wait was cut short. */
  private async wait(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // Another batch heard the group rebalancing: this one's partition may be going too.
      if (!isRunning() || this.rebalanceSignal !== null) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(HEARTBEAT_SLICE_MS, until - Date.now())));
      try {
        await heartbeat();
      } catch {
        // A rebalance took the partition away: leave the message uncommitted for its next owner.
        return false;
      }
    }
    return isRunning();
  }
}
