import { CreateMessagingTables1763900000000 } from '@app/messaging';

/** Every migration of the analytics schema, in order. */
export const ANALYTICS_MIGRATIONS = [CreateMessagingTables1763900000000];
