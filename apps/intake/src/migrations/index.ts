import { CreateMessagingTables1763900000000 } from '@app/messaging';

/** Every migration of the intake schema, in order. */
export const INTAKE_MIGRATIONS = [CreateMessagingTables1763900000000];
