import { agentPrincipal, bearer, type TestTokens } from '@app/auth/testing';
import type { TopicKey } from '@app/contracts';
import type { KafkaProducer, OutgoingMessage } from '@app/messaging';
import { newComplaintMessage, ukMobile } from '@app/testing/channel-factories';
import { randomInt, randomUUID } from 'node:crypto';

export type TrafficChannel = 'hotline' | 'email' | 'instore' | 'api';

/** Where a scenario's API traffic goes: an in-process server (supertest) or a URL. */
export type ApiPoster = (body: unknown, headers: Record<string, string>) => Promise<number>;

export interface TrafficResult {
  readonly sent: number;
  readonly byChannel: Readonly<Record<TrafficChannel, number>>;
  /** API calls that had to be repeated (same Idempotency-Key) because the service was down. */
  readonly apiRetries: number;
}

const SHARES: ReadonlyArray<[TrafficChannel, number]> = [
  ['hotline', 0.3],
  ['email', 0.25],
  ['instore', 0.25],
  ['api', 0.2],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Mixed traffic from the three channels and the agent API, each message a new complaint with a natural
 * key of its own, sent at a steady rate so faults land mid-ingest. API calls are repeated with the same
 * Idempotency-Key until the service answers, as an agent's client would.
 */
export class MixedTraffic {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly topics: Record<TopicKey, string>,
    private readonly tokens: TestTokens,
    private readonly postComplaint: ApiPoster,
  ) {}

  async run(total: number, ratePerSecond: number, progress?: (sent: number) => void): Promise<TrafficResult> {
    const byChannel: Record<TrafficChannel, number> = { hotline: 0, email: 0, instore: 0, api: 0 };
    const agent = agentPrincipal({ subject: `agent-${randomUUID().slice(0, 8)}` });
    const auth = bearer(this.tokens.for(agent, 3600));
    let apiRetries = 0;
    const apiCalls: Array<Promise<void>> = [];
    const batchSize = Math.max(1, Math.round(ratePerSecond / 10));
    const started = Date.now();
    for (let sent = 0; sent < total; ) {
      const pending: Partial<Record<'hotline' | 'email' | 'instore', OutgoingMessage[]>> = {};
      const size = Math.min(batchSize, total - sent);
      for (let index = 0; index < size; index += 1) {
        const channel = pick();
        byChannel[channel] += 1;
        if (channel === 'api') {
          const key = randomUUID();
          const body = { callerNumber: ukMobile(), category: 'service', description: `Complaint ${key}`, storeId: `S${randomInt(1, 20)}` };
          apiCalls.push(
            (async () => {
              for (;;) {
                const status = await this.postComplaint(body, { Authorization: auth, 'Idempotency-Key': key }).catch(() => 0);
                if (status === 202) return;
                apiRetries += 1;
                await sleep(250);
              }
            })(),
          );
        } else {
          const message = await newComplaintMessage(channel);
          (pending[channel] ??= []).push(message);
        }
      }
      for (const [channel, messages] of Object.entries(pending) as Array<['hotline' | 'email' | 'instore', OutgoingMessage[]]>) {
        await this.sendUntilAccepted(this.topics[channel], messages);
      }
      sent += size;
      progress?.(sent);
      const due = started + (sent / ratePerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await Promise.all(apiCalls);
    return { sent: total, byChannel, apiRetries };
  }

  /** Channel systems retry until the broker takes their message, as a real producer does. */
  private async sendUntilAccepted(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (;;) {
      try {
        await this.producer.send(topic, messages);
        return;
      } catch {
        await sleep(500);
      }
    }
  }
}

function pick(): TrafficChannel {
  let roll = Math.random();
  for (const [channel, share] of SHARES) {
    if (roll < share) return channel;
    roll -= share;
  }
  return 'hotline';
}
