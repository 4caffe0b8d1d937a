/**
 * Publishes simulated channel traffic (hotline calls, raw emails, in-store tickets, with re-sent and
 * malformed messages among them) to the channel topics at a steady rate, for a duration or a count:
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/simulate.ts --rate 50 --duration 120
 *
 * What it sends is described in scripts/simulator/README.md. Exit codes: 0 when it finished or was
 * stopped with Ctrl-C, 1 on a Kafka or configuration error, 2 on a bad command line.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KafkaJSError, logLevel, type LogEntry } from 'kafkajs';
import { Topics } from '@app/contracts';
import { ConfigError, loadConfig } from '@app/config';
import { createKafkaClient, KafkaProducer, type OutgoingMessage } from '@app/messaging';
import {
  DEFAULT_TRAFFIC_OPTIONS,
  resolveTrafficOptions,
  SIMULATED_CHANNELS,
  SIMULATED_KINDS,
  TrafficGenerator,
  type SimulatedChannel,
  type SimulatedKind,
  type SimulatedMessage,
  type TrafficOptions,
} from './simulator/traffic-generator';

const DEFAULT_RATE = 20;
const DEFAULT_DURATION_SECONDS = 60;

export const USAGE = [
  'Usage: simulate [--rate <msgs/s>] [--duration <seconds>] [--count <n>] [--duplicates <share>]',
  '                [--malformed <share>] [--replies <share>] [--seed <n>] [--brokers <host:port,...>]',
  '',
  `  --rate        messages per second, over all three channels (default ${DEFAULT_RATE})`,
  `  --duration    stop after this many seconds (default ${DEFAULT_DURATION_SECONDS} when --count is not given)`,
  '  --count       stop after this many messages; with --duration, whichever comes first',
  `  --duplicates  share of messages that re-send an earlier one byte for byte (default ${DEFAULT_TRAFFIC_OPTIONS.duplicateShare})`,
  `  --malformed   share of messages intake must dead-letter (default ${DEFAULT_TRAFFIC_OPTIONS.malformedShare})`,
  `  --replies     share of messages that are email replies to earlier emails (default ${DEFAULT_TRAFFIC_OPTIONS.replyShare})`,
  '  --seed        integer seed; the same seed sends the same messages (default: a random one, printed)',
  '  --brokers     Kafka bootstrap servers (default: KAFKA_BROKERS, 127.0.0.1:9092 when unset)',
].join('\n');

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface SimulateSettings {
  readonly rate: number;
  /** Null when only --count bounds the run. */
  readonly durationSeconds: number | null;
  readonly count: number | null;
  readonly traffic: TrafficOptions;
  /** Null: from the configuration. */
  readonly brokers: readonly string[] | null;
}

export type SimulateCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly settings: SimulateSettings };

const OPTIONS = {
  rate: { type: 'string' },
  duration: { type: 'string' },
  count: { type: 'string' },
  duplicates: { type: 'string' },
  malformed: { type: 'string' },
  replies: { type: 'string' },
  seed: { type: 'string' },
  brokers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readOptions(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function positiveNumber(name: string, raw: string): number {
  const value = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number; got "${raw}"`);
  return value;
}

function shareOf(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = /^[0-9]*\.?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 0 && value <= 1)) throw new UsageError(`--${name} must be a share from 0 to 1, e.g. 0.05; got "${raw}"`);
  return value;
}

/** Turns the command line into settings; throws UsageError naming the first bad argument. */
export function parseSimulateArgs(args: readonly string[], randomSeed: () => number = () => randomInt(1, 2 ** 31 - 1)): SimulateCommand {
  const values = readOptions(args);
  if (values.help === true) return { kind: 'help' };

  const rate = values.rate === undefined ? DEFAULT_RATE : positiveNumber('rate', values.rate);
  const count = values.count === undefined ? null : positiveNumber('count', values.count);
  if (count !== null && !Number.isInteger(count)) throw new UsageError(`--count must be a whole number; got "${values.count}"`);
  const durationSeconds =
    values.duration === undefined ? (count === null ? DEFAULT_DURATION_SECONDS : null) : positiveNumber('duration', values.duration);

  let seed: number;
  if (values.seed === undefined) {
    seed = randomSeed();
  } else {
    seed = /^-?[0-9]{1,10}$/.test(values.seed) ? Number(values.seed) : NaN;
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer; got "${values.seed}"`);
  }

  let brokers: string[] | null = null;
  if (values.brokers !== undefined) {
    brokers = values.brokers.split(',').map((broker) => broker.trim());
    if (brokers.some((broker) => !/^[^\s:]+:[0-9]+$/.test(broker))) {
      throw new UsageError(`--brokers must be host:port[,host:port...]; got "${values.brokers}"`);
    }
  }

  const duplicateShare = shareOf('duplicates', values.duplicates, DEFAULT_TRAFFIC_OPTIONS.duplicateShare);
  const malformedShare = shareOf('malformed', values.malformed, DEFAULT_TRAFFIC_OPTIONS.malformedShare);
  const replyShare = shareOf('replies', values.replies, DEFAULT_TRAFFIC_OPTIONS.replyShare);
  if (duplicateShare + malformedShare + replyShare > 1) {
    throw new UsageError('--duplicates, --malformed and --replies must add up to at most 1');
  }
  const traffic = resolveTrafficOptions({ seed, duplicateShare, malformedShare, replyShare });
  return { kind: 'run', settings: { rate, durationSeconds, count, traffic, brokers } };
}

// ---------------------------------------------------------------------------------------------------
// Pacing and counting
// ---------------------------------------------------------------------------------------------------

/** Messages per send are grouped so one send carries about this much time's worth of traffic. */
const TICK_MS = 50;
/** Bounds one send, so a batch of emails stays well under Kafka's request size. */
const MAX_BATCH = 200;

/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. After a slow send it lets the
 * loop catch up by at most `burst` messages instead of flooding the topic with the whole backlog.
 */
export class TokenBucket {
  private tokens = 0;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private last: number,
  ) {}

  /** Takes as many whole tokens as there are, up to `max`, once there are at least `min`. */
  take(now: number, min: number, max: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < min) return 0;
    const taken = Math.min(max, Math.floor(this.tokens));
    this.tokens -= taken;
    return taken;
  }

  /** Milliseconds until `count` tokens are there. */
  msUntil(count: number): number {
    return Math.max(0, ((count - this.tokens) / this.rate) * 1000);
  }
}

class Tally {
  total = 0;
  readonly byChannel = Object.fromEntries(SIMULATED_CHANNELS.map((channel) => [channel, 0])) as Record<SimulatedChannel, number>;
  readonly byKind = Object.fromEntries(SIMULATED_KINDS.map((kind) => [kind, 0])) as Record<SimulatedKind, number>;

  add(messages: readonly SimulatedMessage[]): void {
    for (const message of messages) {
      this.total += 1;
      this.byChannel[message.channel] += 1;
      this.byKind[message.kind] += 1;
    }
  }

  describe(): string {
    const channels = SIMULATED_CHANNELS.map((channel) => `${channel} ${this.byChannel[channel]}`).join(', ');
    const kinds = SIMULATED_KINDS.map((kind) => `${kind} ${this.byKind[kind]}`).join(', ');
    return `${channels} | ${kinds}`;
  }
}

const TOPIC_OF: Readonly<Record<SimulatedChannel, string>> = {
  hotline: Topics.hotline.name,
  email: Topics.email.name,
  instore: Topics.instore.name,
};

/** The Kafka record: the channel's bytes, and headers that say it is simulated and what to expect of it. */
export function toOutgoing(message: SimulatedMessage): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      'content-type': message.channel === 'email' ? 'message/rfc822' : 'application/json',
      source: 'simulator',
      'simulator-kind': message.kind,
      'simulator-note': message.note,
    },
  };
}

function groupByTopic(messages: readonly SimulatedMessage[]): Array<{ topic: string; messages: OutgoingMessage[] }> {
  return SIMULATED_CHANNELS.map((channel) => ({
    topic: TOPIC_OF[channel],
    messages: messages.filter((message) => message.channel === channel).map(toOutgoing),
  }));
}

// ---------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------

interface Output {
  line(text: string): void;
  error(text: string): void;
}

const stdio: Output = {
  line: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export async function simulate(settings: SimulateSettings, brokers: readonly string[], out: Output = stdio): Promise<number> {
  const { rate, count, durationSeconds, traffic } = settings;
  const generator = new TrafficGenerator(traffic);
  // One short line per kafkajs warning (a retried connection, a leader move) instead of the services'
  // structured log objects: this is a terminal tool.
  const logCreator = () => (entry: LogEntry) => {
    if (entry.level <= logLevel.WARN) out.error(`simulate: kafka ${entry.level === logLevel.ERROR ? 'error' : 'warning'}: ${entry.log.message}`);
  };
  const producer = new KafkaProducer(createKafkaClient({ brokers, clientId: 'complaints-simulator' }, { logCreator }));
  const tally = new Tally();

  let stopRequested = false;
  let connected = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!connected) {
      // Nothing has been sent yet; kafkajs may be retrying the connection for a while, don't wait for it.
      out.error(`simulate: ${signal} before Kafka was reached; nothing sent`);
      process.exit(130);
    }
    if (stopRequested) {
      out.error(`simulate: ${signal} again, exiting without waiting for the last send`);
      process.exit(130);
    }
    stopRequested = true;
    out.error(`simulate: ${signal}, stopping after the current send (again to exit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const bounds = [count === null ? null : `${count} messages`, durationSeconds === null ? null : `${durationSeconds} s`].filter(Boolean);
  out.line(
    `simulate: ${rate} msg/s to ${brokers.join(',')} for ${bounds.join(' or ')}; seed ${traffic.seed}; ` +
      `duplicates ${traffic.duplicateShare}, malformed ${traffic.malformedShare}, replies ${traffic.replyShare}`,
  );

  let failure: unknown = null;
  let started = performance.now();
  let progress: NodeJS.Timeout | undefined;

  try {
    await producer.connect();
    connected = true;
    started = performance.now();
    let lastTotal = 0;
    let lastAt = started;
    progress = setInterval(() => {
      const now = performance.now();
      const recent = ((tally.total - lastTotal) * 1000) / Math.max(1, now - lastAt);
      lastTotal = tally.total;
      lastAt = now;
      out.line(`${seconds(now - started).padStart(7)}s  sent ${tally.total} (${tally.describe()})  ${recent.toFixed(1)} msg/s`);
    }, 1000);
    const deadline = durationSeconds === null ? Infinity : started + durationSeconds * 1000;
    const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
    const bucket = new TokenBucket(rate, Math.max(perTick * 4, rate / 2), started);
    while (!stopRequested) {
      const now = performance.now();
      const left = count === null ? Infinity : count - tally.total;
      if (now >= deadline || left <= 0) break;
      const wanted = Math.min(perTick, left);
      const size = bucket.take(now, wanted, Math.min(MAX_BATCH, left));
      if (size === 0) {
        await sleep(Math.max(1, Math.min(bucket.msUntil(wanted), deadline - now, 250)));
        continue;
      }
      const sentAt = new Date();
      const batch: SimulatedMessage[] = [];
      for (let index = 0; index < size; index += 1) batch.push(await generator.next(sentAt));
      // kafkajs retries a failed send itself (createKafkaClient's retry policy); what reaches here has
      // exhausted those retries and ends the run.
      await producer.sendBatch(groupByTopic(batch));
      tally.add(batch);
    }
  } catch (error) {
    failure = error;
  } finally {
    clearInterval(progress);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await producer.disconnect().catch(() => undefined);
  }

  const elapsed = performance.now() - started;
  const how = failure !== null ? 'failed' : stopRequested ? 'stopped' : 'finished';
  out.line(
    `simulate: ${how}: sent ${tally.total} messages in ${seconds(elapsed)} s ` +
      `(${((tally.total * 1000) / Math.max(1, elapsed)).toFixed(1)} msg/s)`,
  );
  out.line(`  by channel: ${SIMULATED_CHANNELS.map((channel) => `${channel} ${tally.byChannel[channel]}`).join(', ')}`);
  out.line(`  by kind:    ${SIMULATED_KINDS.map((kind) => `${kind} ${tally.byKind[kind]}`).join(', ')}`);
  out.line(`  topics:     ${SIMULATED_CHANNELS.map((channel) => TOPIC_OF[channel]).join(', ')}`);
  out.line(`  repeat with --seed ${traffic.seed} (ids repeat too, so intake treats them as re-deliveries)`);
  if (failure !== null) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    out.error(failure instanceof KafkaJSError ? `simulate: Kafka error after retries: ${reason}` : `simulate: failed: ${reason}`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  let command: SimulateCommand;
  try {
    command = parseSimulateArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stdio.error(`simulate: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    stdio.line(USAGE);
    return 0;
  }
  let brokers = command.settings.brokers;
  if (brokers === null) {
    try {
      brokers = loadConfig('intake').kafka.brokers;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      stdio.error(`simulate: ${error.message}`);
      return 1;
    }
  }
  return simulate(command.settings, brokers);
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`simulate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
