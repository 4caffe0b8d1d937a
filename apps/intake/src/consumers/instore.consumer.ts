import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { decodeInstoreTicket, type InstoreTicketV1 } from '@app/contracts';
import type { PhoneRegion } from '@app/domain';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { instoreTicketToCommand } from '../channels/channel-command.mapper';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';

/** Tickets from store tablets and POS, from complaints.channel.instore. */
@Injectable()
export class InstoreConsumer extends ManagedConsumer<InstoreTicketV1> {
  protected readonly consumer: MessageConsumer<InstoreTicketV1>;

  constructor(
    factory: ConsumerFactory,
    intake: ComplaintIntakeService,
    @Inject(TOPIC_NAMES) topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    const region = config.intake.defaultPhoneRegion as PhoneRegion;
    this.consumer = factory.create<InstoreTicketV1>('instore', {
      topics: [topics.instore],
      decode: (message) => decodeInstoreTicket(message.value),
      handle: async (ticket) => {
        const { command, identities } = instoreTicketToCommand(ticket, region);
        await intake.register(command, identities);
      },
      handleBatch: async (items) => {
        await intake.registerMany(items.map((item) => instoreTicketToCommand(item.value, region)));
      },
    });
  }
}
