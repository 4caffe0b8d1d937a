import { runService } from '@app/platform';
import { WorkflowModule } from './workflow.module';

void runService('workflow', (config) => WorkflowModule.forRoot(config));
