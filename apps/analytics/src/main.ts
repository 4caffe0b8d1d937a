import { runService } from '@app/platform';
import { AnalyticsModule } from './analytics.module';

void runService('analytics', (config) => AnalyticsModule.forRoot(config));
