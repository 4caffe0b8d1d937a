import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { ServiceCoreModule } from '@app/platform';
import { INTAKE_MIGRATIONS } from './migrations';

@Module({})
export class IntakeModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [ServiceCoreModule.forRoot(config, { persistence: { migrations: INTAKE_MIGRATIONS } })],
    };
  }
}
