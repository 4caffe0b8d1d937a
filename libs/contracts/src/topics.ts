/**
 * The one declaration of every Kafka topic the system uses. The stack scripts, the tests and the
 * Kubernetes manifests (deploy/base/kafka-topics.yaml, checked against this table by a test) all
 * derive from it.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Retention in milliseconds; -1 keeps records forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const Topics = {
  hotline: {
    name: 'complaints.channel.hotline',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'JSON documents from the telephony system and the intake API',
  },
  email: {
    name: 'complaints.channel.email',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'Raw RFC 5322 messages from the email gateway',
  },
  instore: {
    name: 'complaints.channel.instore',
    partitions: 6,
    retentionMs: 7 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'JSON documents from store tablets and POS',
  },
  events: {
    name: 'complaints.events',
    partitions: 6,
    // Analytics recomputes by replaying from offset zero, so domain events are never deleted.
    retentionMs: -1,
    cleanupPolicy: 'delete',
    description: 'Domain events (envelopes), keyed by complaint id',
  },
  deadLetter: {
    name: 'complaints.dead-letter',
    partitions: 3,
    retentionMs: 30 * DAY_MS,
    cleanupPolicy: 'delete',
    description: 'Messages no consumer could accept: original bytes, headers, source and reason',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicKey]['name'];

export const ALL_TOPICS: readonly TopicSpec[] = Object.values(Topics);

/** Kafka topic-level configuration entries for a spec, as both kafkajs and Strimzi take them. */
export function topicConfig(spec: TopicSpec): Record<string, string> {
  return {
    'retention.ms': String(spec.retentionMs),
    'cleanup.policy': spec.cleanupPolicy,
  };
}
