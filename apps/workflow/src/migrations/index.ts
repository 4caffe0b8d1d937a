import { CreateMessagingTables1763900000000 } from '@app/messaging';
import { CreateWorkflow1763900200000 } from './1763900200000-create-workflow';

/** Every migration of the workflow schema, in order. */
export const WORKFLOW_MIGRATIONS = [CreateMessagingTables1763900000000, CreateWorkflow1763900200000];
