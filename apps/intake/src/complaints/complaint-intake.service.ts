import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, type PayloadOf } from '@app/contracts';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newReference } from './new-reference';
import { ComplaintRepository, planAttachmentStorage, type NewComplaint } from './complaint.repository';
import type { AppendCustomerMessageCommand, RegisterComplaintCommand, RegisterOutcome } from './register-complaint.command';

const PRODUCER = 'intake';
const UNIQUE_VIOLATION = '23505';
const MAX_REFERENCE_ATTEMPTS = 5;
/** Tries of a run as one before the caller registers its complaints one at a time. */
const MAX_RUN_ATTEMPTS = 3;

/** A complaint to register and the identities its customer is recognised by. */
export interface Registration {
  readonly command: RegisterComplaintCommand;
  readonly identities: readonly string[];
}

/**
 * A run could not be registered as one: a concurrent transaction claimed one of its new customers'
 * identities, or stored one of its complaints. Tried again, the run finds what was committed; after a
 * few such tries, registering the run one complaint at a time settles it.
 */
export class RunConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunConflictError';
  }
}

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
    // A freshly drawn reference may (very rarely) be taken: draw again. A pre-assigned one may not.
    return this.transactionTried(
      (manager) => this.registerIn(manager, command, identities),
      (error) => isReferenceCollision(error) && command.reference === null,
      MAX_REFERENCE_ATTEMPTS,
    );
  }

  /** Runs `work` in a transaction of its own, again while it fails `retryable`ly, at most `attempts` times. */
  private async transactionTried<R>(work: (manager: EntityManager) => Promise<R>, retryable: (error: unknown) => boolean, attempts: number): Promise<R> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (!retryable(error) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Registers a run of complaints in one transaction, with one statement per table rather than one
   * per complaint: the outcome is the one registering them in order would give, duplicates
   * (stored already, or earlier in the run) included. Throws when the run cannot be registered as
   * one (a reference drawn twice, an identity claimed concurrently): the caller then registers its
   * complaints one at a time, which settles every such case.
   */
  async registerMany(registrations: readonly Registration[]): Promise<RegisterOutcome[]> {
    if (registrations.length === 0) return [];
    // What the concurrent transaction claimed or stored is committed now: the run, tried again, finds it
    // like any stored identity or complaint. Runs of many new customers at once (a backlog read by several
    // partitions or instances) meet this often, and one complaint at a time costs far more.
    return this.transactionTried(
      (manager) => this.registerManyIn(manager, registrations),
      (error) => error instanceof RunConflictError,
      MAX_RUN_ATTEMPTS,
    );
  }

  private async registerManyIn(manager: EntityManager, registrations: readonly Registration[]): Promise<RegisterOutcome[]> {
    const stored = await this.complaints.findByDedupKeys(manager, registrations.map(({ command }) => command.dedupKey));
    const fresh = new Map<string, Registration>();
    for (const registration of registrations) {
      const key = registration.command.dedupKey;
      if (!stored.has(key) && !fresh.has(key)) fresh.set(key, registration);
    }
    const created = [...fresh.values()];
    const customers = await this.complaints.resolveCustomers(manager, created.map(({ identities }) => identities));
    if (customers === null) throw new RunConflictError('a new customer identity was claimed concurrently');
    const rows = created.map(({ command }, index): { complaint: NewComplaint; command: RegisterComplaintCommand } => ({
      complaint: {
        id: command.complaintId ?? randomUUID(),
        reference: command.reference ?? newReference(),
        customerId: customers[index]!,
        attachments: planAttachmentStorage(command.attachments),
      },
      command,
    }));
    const inserted = await this.complaints.insertComplaints(manager, rows);
    if (inserted.size !== rows.length) throw new RunConflictError('a complaint of the run was stored concurrently');

    for (const { complaint, command } of rows) {
      await this.complaints.insertAttachmentContents(manager, complaint.id, command.attachments, complaint.attachments);
    }
    await this.complaints.linkEmailMessages(
      manager,
      rows.flatMap(({ complaint, command }) => (command.emailMessageId === null ? [] : [{ messageId: command.emailMessageId, complaintId: complaint.id }])),
    );
    await appendToOutbox(
      manager,
      rows.map(({ complaint, command }) => this.receivedEvent(complaint, command)),
      this.topics.events,
    );
    for (const { complaint, command } of rows) {
      this.logger.log({ msg: 'complaint registered', complaintId: complaint.id, reference: complaint.reference, channel: command.channel });
    }

    const byKey = new Map(rows.map(({ complaint, command }) => [command.dedupKey, complaint]));
    const reported = new Set<string>();
    return registrations.map(({ command }): RegisterOutcome => {
      const key = command.dedupKey;
      const mine = byKey.get(key);
      if (mine !== undefined && !reported.has(key)) {
        reported.add(key);
        return { outcome: 'created', complaintId: mine.id, reference: mine.reference, customerId: mine.customerId };
      }
      const existing = stored.get(key);
      if (existing !== undefined) return { outcome: 'duplicate', complaintId: existing.id, reference: existing.reference, customerId: existing.customer_id };
      return { outcome: 'duplicate', complaintId: mine!.id, reference: mine!.reference, customerId: mine!.customerId };
    });
  }

  private receivedEvent(complaint: NewComplaint, command: RegisterComplaintCommand) {
    const payload: PayloadOf<'complaint.received'> = {
      complaintId: complaint.id,
      reference: complaint.reference,
      channel: command.channel,
      externalRef: command.externalRef,
      customerId: complaint.customerId,
      storeId: command.storeId,
      category: command.category,
      severity: command.severity,
      subject: command.subject,
      description: command.description,
      firstResponderId: command.firstResponderId,
      firstRespondedAt: command.firstRespondedAt,
      receivedAt: command.receivedAt,
      locale: command.locale,
      attachments: complaint.attachments,
    };
    return createEvent('complaint.received', 1, payload, {
      producer: PRODUCER,
      complaintId: complaint.id,
      correlationId: command.correlationId ?? undefined,
    });
  }

  private async registerIn(manager: EntityManager, command: RegisterComplaintCommand, identities: readonly string[]): Promise<RegisterOutcome> {
    const existing = await this.complaints.findByDedupKey(manager, command.dedupKey);
    if (existing !== null) {
      return { outcome: 'duplicate', complaintId: existing.id, reference: existing.reference, customerId: existing.customer_id };
    }
    const customerId = await this.complaints.resolveCustomer(manager, identities);
    const complaintId = command.complaintId ?? randomUUID();
    const reference = command.reference ?? newReference();
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

    const event = this.receivedEvent({ id: complaintId, reference, customerId, attachments }, command);
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
