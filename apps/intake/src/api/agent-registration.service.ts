import { ConflictException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { encodeHotlineCall, type HotlineCallV1 } from '@app/contracts';
import { normalisePhone, type PhoneRegion } from '@app/domain';
import { KafkaProducer, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { createHash, randomUUID } from 'node:crypto';
import { newReference } from '../complaints/new-reference';
import type { RegisterComplaintRequest, RegisterComplaintResponse } from './complaint-api.schema';
import { IdempotencyKeys } from './idempotency-keys';

interface Assignment {
  readonly complaintId: string;
  readonly reference: string;
  readonly replayed: boolean;
}

function requestHash(request: RegisterComplaintRequest): string {
  const canonical = JSON.stringify(Object.keys(request).sort().map((key) => [key, request[key as keyof RegisterComplaintRequest]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The agent API's door: it gives the complaint its id and reference at once, then publishes the call
 * on the hotline channel so that the one intake use case stores it, exactly as it stores telephony calls.
 * With an Idempotency-Key the same request always answers with the same complaint and is re-published
 * under the same call id, which the consumer de-duplicates: a retry after a crash loses nothing.
 */
@Injectable()
export class AgentRegistrationService {
  private readonly region: PhoneRegion;

  constructor(
    private readonly idempotencyKeys: IdempotencyKeys,
    private readonly producer: KafkaProducer,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.region = config.intake.defaultPhoneRegion as PhoneRegion;
  }

  async register(agentId: string, request: RegisterComplaintRequest, idempotencyKey: string | null, now: Date): Promise<RegisterComplaintResponse & { replayed: boolean }> {
    if (normalisePhone(request.callerNumber, this.region) === null) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        reason: 'invalid_phone_number',
        message: `callerNumber is not a valid phone number (default region ${this.region})`,
      });
    }
    const assignment = await this.assign(agentId, request, idempotencyKey);
    const call: HotlineCallV1 = {
      schemaVersion: 1,
      callId: assignment.complaintId,
      source: 'api',
      ...(idempotencyKey === null ? {} : { idempotencyKey }),
      complaintId: assignment.complaintId,
      reference: assignment.reference,
      callerNumber: request.callerNumber,
      ...(request.callerEmail === undefined ? {} : { callerEmail: request.callerEmail }),
      ...(request.loyaltyId === undefined ? {} : { loyaltyId: request.loyaltyId }),
      agentId,
      ...(request.storeId === undefined ? {} : { storeId: request.storeId }),
      category: request.category,
      ...(request.severity === undefined ? {} : { severity: request.severity }),
      ...(request.subject === undefined ? {} : { subject: request.subject }),
      description: request.description,
      callStartedAt: request.callStartedAt ?? now.toISOString(),
      ...(request.locale === undefined ? {} : { locale: request.locale }),
    };
    await this.producer.send(this.topics.hotline, [
      { key: call.callId, value: encodeHotlineCall(call), headers: { 'content-type': 'application/json', source: 'intake-api' } },
    ]);
    return { complaintId: assignment.complaintId, reference: assignment.reference, status: 'accepted', replayed: assignment.replayed };
  }

  private async assign(agentId: string, request: RegisterComplaintRequest, idempotencyKey: string | null): Promise<Assignment> {
    const fresh = { complaintId: randomUUID(), reference: newReference() };
    if (idempotencyKey === null) return { ...fresh, replayed: false };
    const hash = requestHash(request);
    const claimed = await this.idempotencyKeys.claim({ agentId, idempotencyKey, requestHash: hash, ...fresh });
    if (claimed) return { ...fresh, replayed: false };
    const existing = await this.idempotencyKeys.find(agentId, idempotencyKey);
    if (existing === null) throw new Error('idempotency key vanished');
    if (existing.requestHash !== hash) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        reason: 'idempotency_key_reused',
        message: 'this Idempotency-Key was already used with a different request body',
      });
    }
    return { complaintId: existing.complaintId, reference: existing.reference, replayed: true };
  }
}
