import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { findReferenceInSubject, type PhoneRegion } from '@app/domain';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { DataSource } from 'typeorm';
import { emailToCommand, emailToCustomerMessage } from '../channels/channel-command.mapper';
import { parseEmail, type ParsedEmail } from '../channels/email/email-message.parser';
import { ComplaintIntakeService, type Registration } from '../complaints/complaint-intake.service';
import { ComplaintRepository } from '../complaints/complaint.repository';

/** Whether a mail may belong to a complaint's thread: it answers a message, or names a reference. */
function mayBeReply(email: ParsedEmail): boolean {
  return email.inReplyTo.length > 0 || email.references.length > 0 || findReferenceInSubject(email.subject) !== null;
}

/**
 * Raw RFC 5322 mail from complaints.channel.email. A reply is threaded onto its complaint when its
 * In-Reply-To/References name a message of the complaint's thread, or when its subject carries the
 * complaint's reference and it comes from the complaint's own email address (a reference alone is
 * not proof enough to write into someone's complaint); anything else is a new complaint.
 */
@Injectable()
export class EmailConsumer extends ManagedConsumer<ParsedEmail> {
  protected readonly consumer: MessageConsumer<ParsedEmail>;

  constructor(
    factory: ConsumerFactory,
    private readonly intake: ComplaintIntakeService,
    private readonly complaints: ComplaintRepository,
    private readonly dataSource: DataSource,
    @Inject(TOPIC_NAMES) topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    const region = config.intake.defaultPhoneRegion as PhoneRegion;
    this.consumer = factory.create<ParsedEmail>('email', {
      topics: [topics.email],
      decode: (message) =>
        message.value === null
          ? { ok: false, error: { code: 'unparseable_email', message: 'empty message value' } }
          : parseEmail(message.value),
      handle: (email) => this.handleOne(email, region),
      handleBatch: async (items) => {
        // New mails are registered together; a possible reply waits for the mails before it to be
        // stored (it may answer one of them), then is threaded on its own.
        let run: Registration[] = [];
        for (const { value: email } of items) {
          if (!mayBeReply(email)) {
            run.push(emailToCommand(email, region, new Date()));
            continue;
          }
          await this.intake.registerMany(run);
          run = [];
          await this.handleOne(email, region);
        }
        await this.intake.registerMany(run);
      },
    });
  }

  private async handleOne(email: ParsedEmail, region: PhoneRegion): Promise<void> {
    const threadComplaint = await this.threadOf(email);
    if (threadComplaint !== null) {
      await this.intake.appendCustomerMessage(emailToCustomerMessage(email, threadComplaint, new Date()));
      return;
    }
    const { command, identities } = emailToCommand(email, region, new Date());
    await this.intake.register(command, identities);
  }

  private async threadOf(email: ParsedEmail): Promise<string | null> {
    const manager = this.dataSource.manager;
    const byHeaders = await this.complaints.findThreadComplaint(manager, [...email.inReplyTo, ...email.references]);
    if (byHeaders !== null) return byHeaders;
    const reference = findReferenceInSubject(email.subject);
    if (reference === null) return null;
    const complaint = await this.complaints.findByIdOrReference(manager, reference);
    return complaint !== null && complaint.contact_email === email.from.address ? complaint.id : null;
  }
}
