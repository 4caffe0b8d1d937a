import { CreateMessagingTables1763900000000, OutboxDeletedOnPublish1763900800000 } from '@app/messaging';
import { CreateWorkflow1763900200000 } from './1763900200000-create-workflow';
import { DeadlinePauses1763900300000 } from './1763900300000-deadline-pauses';
import { AlertStreamOrder1763900400000 } from './1763900400000-alert-stream-order';
import { WebhookCursor1763900500000 } from './1763900500000-webhook-cursor';
import { AlertStreamTable1763900900000 } from './1763900900000-alert-stream-table';

/** Every migration of the workflow schema, in order. */
export const WORKFLOW_MIGRATIONS = [
  CreateMessagingTables1763900000000,
  CreateWorkflow1763900200000,
  DeadlinePauses1763900300000,
  AlertStreamOrder1763900400000,
  WebhookCursor1763900500000,
  OutboxDeletedOnPublish1763900800000,
  AlertStreamTable1763900900000,
];
