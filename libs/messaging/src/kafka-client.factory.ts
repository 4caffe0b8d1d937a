import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type ISocketFactory, type KafkaConfig, type LogEntry } from 'kafkajs';
import net from 'node:net';
import tls from 'node:tls';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

const logger = new Logger('Kafka');

/** Routes kafkajs' own log lines into the service's structured log. */
function logCreator() {
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const line = { ...extra, msg: message };
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
}

/** kafkajs' own keep-alive probe interval. */
const KEEP_ALIVE_MS = 60_000;

/**
 * kafkajs' socket, without Nagle's algorithm (kafkajs leaves it on). With it, a request written while an
 * earlier one on the same connection is not yet acknowledged (a heartbeat or commit during a fetch, the
 * last segment of a large produce) waited for the broker's delayed ACK, up to 40 ms on Linux.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEP_ALIVE_MS);
  return socket;
};

export function createKafkaClient(options: KafkaClientOptions, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10000 },
    socketFactory: noDelaySocketFactory,
    ...overrides,
  });
}
