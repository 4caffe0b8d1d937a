import { CreateMessagingTables1763900000000, OutboxDeletedOnPublish1763900800000 } from '@app/messaging';
import { CreateComplaints1763900100000 } from './1763900100000-create-complaints';
import { WorkflowStatus1763900600000 } from './1763900600000-workflow-status';

/** Every migration of the intake schema, in order. */
export const INTAKE_MIGRATIONS = [
  CreateMessagingTables1763900000000,
  CreateComplaints1763900100000,
  WorkflowStatus1763900600000,
  OutboxDeletedOnPublish1763900800000,
];
