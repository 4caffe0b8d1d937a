import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { ServiceCoreModule } from '@app/platform';
import { ANALYTICS_MIGRATIONS } from './migrations';

@Module({})
export class AnalyticsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [ServiceCoreModule.forRoot(config, { persistence: { migrations: ANALYTICS_MIGRATIONS } })],
    };
  }
}
