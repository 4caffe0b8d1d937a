import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { ServiceCoreModule } from '@app/platform';
import { WORKFLOW_MIGRATIONS } from './migrations';

@Module({})
export class WorkflowModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkflowModule,
      imports: [ServiceCoreModule.forRoot(config, { persistence: { migrations: WORKFLOW_MIGRATIONS } })],
    };
  }
}
