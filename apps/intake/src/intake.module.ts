import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { TopicNames } from '@app/messaging';
import { ServiceCoreModule } from '@app/platform';
import { AgentRegistrationService } from './api/agent-registration.service';
import { IdempotencyKeys } from './api/idempotency-keys';
import { ComplaintsController } from './api/complaints.controller';
import { ComplaintIntakeService } from './complaints/complaint-intake.service';
import { ComplaintRepository } from './complaints/complaint.repository';
import { EmailConsumer } from './consumers/email.consumer';
import { HotlineConsumer } from './consumers/hotline.consumer';
import { InstoreConsumer } from './consumers/instore.consumer';
import { WorkflowEventsConsumer } from './consumers/workflow-events.consumer';
import { INTAKE_MIGRATIONS } from './migrations';

export interface IntakeModuleOptions {
  /** Tests give their own topics and apply migrations at start. */
  readonly topics?: Partial<TopicNames>;
  readonly migrateOnStart?: boolean;
}

@Module({})
export class IntakeModule {
  static forRoot(config: AppConfig, options: IntakeModuleOptions = {}): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        ServiceCoreModule.forRoot(config, {
          persistence: { migrations: INTAKE_MIGRATIONS, migrateOnStart: options.migrateOnStart },
          topics: options.topics,
        }),
      ],
      controllers: [ComplaintsController],
      providers: [ComplaintRepository, ComplaintIntakeService, AgentRegistrationService, IdempotencyKeys, HotlineConsumer, EmailConsumer, InstoreConsumer, WorkflowEventsConsumer],
    };
  }
}
