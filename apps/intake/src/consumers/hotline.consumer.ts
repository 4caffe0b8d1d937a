import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { decodeHotlineCall, type HotlineCallV1 } from '@app/contracts';
import type { PhoneRegion } from '@app/domain';
import { ConsumerFactory, ManagedConsumer, TOPIC_NAMES, type MessageConsumer, type TopicNames } from '@app/messaging';
import { hotlineCallToCommand } from '../channels/channel-command.mapper';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';

/** Telephony calls and the agent API's registrations, from complaints.channel.hotline. */
@Injectable()
export class HotlineConsumer extends ManagedConsumer<HotlineCallV1> {
  protected readonly consumer: MessageConsumer<HotlineCallV1>;

  constructor(
    factory: ConsumerFactory,
    intake: ComplaintIntakeService,
    @Inject(TOPIC_NAMES) topics: TopicNames,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    const region = config.intake.defaultPhoneRegion as PhoneRegion;
    // The agent API pre-assigns the id and reference it already answered with.
    const registration = (call: HotlineCallV1) =>
      hotlineCallToCommand(call, region, { complaintId: call.complaintId ?? null, reference: call.reference ?? null });
    this.consumer = factory.create<HotlineCallV1>('hotline', {
      topics: [topics.hotline],
      decode: (message) => decodeHotlineCall(message.value),
      handle: async (call) => {
        const { command, identities } = registration(call);
        await intake.register(command, identities);
      },
      handleBatch: async (items) => {
        await intake.registerMany(items.map((item) => registration(item.value)));
      },
    });
  }
}
