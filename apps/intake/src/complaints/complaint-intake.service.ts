import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, type PayloadOf } from '@app/contracts';
import { generateReference } from '@app/domain';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ComplaintRepository, planAttachmentStorage } from './complaint.repository';
import type { AppendCustomerMessageCommand, RegisterComplaintCommand, RegisterOutcome } from './register-complaint.command';

const PRODUCER = 'intake';
const UNIQUE_VIOLATION = '23505';
const MAX_REFERENCE_ATTEMPTS = 5;

function isReferenceCollision(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === UNIQUE_VIOLATION && driverError.constraint === 'complaints_reference_key';
}

/**
 * The one use case behind every door: store a complaint (or find the one its de-duplication key
 * already made), recognise its customer, and announce it, all in one transaction with the outbox.
 */
@Injectable()
export class ComplaintIntakeService {
  private readonly logger = new Logger(ComplaintIntakeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: ComplaintRepository,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
  ) {}

  async register(command: RegisterComplaintCommand, identities: readonly string[]): Promise<RegisterOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction((manager) => this.registerIn(manager, command, identities));
      } catch (error) {
        // A freshly drawn reference may (very rarely) be taken: draw again. A pre-assigned one may not.
        if (!isReferenceCollision(error) || command.reference !== null || attempt >= MAX_REFERENCE_ATTEMPTS) throw error;
      }
    }
  }

  private async registerIn(manager: EntityManager, command: RegisterComplaintCommand, identities: readonly string[]): Promise<RegisterOutcome> {
    const existing = await this.complaints.findByDedupKey(manager, command.dedupKey);
    if (existing !== null) {
      return { outcome: 'duplicate', complaintId: existing.id, reference: existing.reference, customerId: existing.customer_id };
    }
    const customerId = await this.complaints.resolveCustomer(manager, identities);
    const complaintId = command.complaintId ?? randomUUID();
    const reference = command.reference ?? generateReference((size) => randomBytes(size));
    const attachments = planAttachmentStorage(command.attachments);
    const inserted = await this.complaints.insertComplaint(manager, { id: complaintId, reference, customerId, attachments }, command);
    if (!inserted) {
      // A concurrent duplicate committed first; its complaint is the one.
      const winner = await this.complaints.findByDedupKey(manager, command.dedupKey);
      if (winner === null) throw new Error(`complaint with key ${command.dedupKey} vanished`);
      return { outcome: 'duplicate', complaintId: winner.id, reference: winner.reference, customerId: winner.customer_id };
    }
    await this.complaints.insertAttachmentContents(manager, complaintId, command.attachments, attachments);
    if (command.emailMessageId !== null) await this.complaints.linkEmailMessage(manager, command.emailMessageId, complaintId);

    const payload: PayloadOf<'complaint.received'> = {
      complaintId,
      reference,
      channel: command.channel,
      externalRef: command.externalRef,
      customerId,
      storeId: command.storeId,
      category: command.category,
      severity: command.severity,
      subject: command.subject,
      description: command.description,
      firstResponderId: command.firstResponderId,
      firstRespondedAt: command.firstRespondedAt,
      receivedAt: command.receivedAt,
      locale: command.locale,
      attachments,
    };
    const event = createEvent('complaint.received', 1, payload, {
      producer: PRODUCER,
      complaintId,
      correlationId: command.correlationId ?? undefined,
    });
    await appendToOutbox(manager, [event], this.topics.events);
    this.logger.log({ msg: 'complaint registered', complaintId, reference, channel: command.channel });
    return { outcome: 'created', complaintId, reference, customerId };
  }

  /** Appends a customer's follow-up (an email reply) to its complaint; the same message twice is one. */
  async appendCustomerMessage(command: AppendCustomerMessageCommand): Promise<{ appended: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const messageId = randomUUID();
      const attachments = planAttachmentStorage(command.attachments);
      const appended = await this.complaints.insertCustomerMessage(manager, {
        id: messageId,
        complaintId: command.complaintId,
        dedupKey: command.dedupKey,
        channel: command.channel,
        subject: command.subject,
        body: command.body,
        attachments,
        receivedAt: command.receivedAt,
      });
      if (!appended) return { appended: false };
      await this.complaints.insertAttachmentContents(manager, command.complaintId, command.attachments, attachments);
      if (command.emailMessageId !== null) await this.complaints.linkEmailMessage(manager, command.emailMessageId, command.complaintId);
      const event = createEvent(
        'complaint.customer_message_received',
        1,
        {
          complaintId: command.complaintId,
          messageId,
          channel: command.channel,
          subject: command.subject,
          body: command.body,
          receivedAt: command.receivedAt,
          attachments,
        },
        { producer: PRODUCER, complaintId: command.complaintId },
      );
      await appendToOutbox(manager, [event], this.topics.events);
      return { appended: true };
    });
  }
}
