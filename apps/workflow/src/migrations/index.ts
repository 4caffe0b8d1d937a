import { CreateMessagingTables1763900000000 } from '@app/messaging';

/** Every migration of the workflow schema, in order. */
export const WORKFLOW_MIGRATIONS = [CreateMessagingTables1763900000000];
