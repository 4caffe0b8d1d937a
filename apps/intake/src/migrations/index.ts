import { CreateMessagingTables1763900000000 } from '@app/messaging';
import { CreateComplaints1763900100000 } from './1763900100000-create-complaints';

/** Every migration of the intake schema, in order. */
export const INTAKE_MIGRATIONS = [CreateMessagingTables1763900000000, CreateComplaints1763900100000];
