import { runService } from '@app/platform';
import { IntakeModule } from './intake.module';

void runService('intake', (config) => IntakeModule.forRoot(config));
