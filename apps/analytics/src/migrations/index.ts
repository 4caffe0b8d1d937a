import { CreateMessagingTables1763900000000, OutboxDeletedOnPublish1763900800000 } from '@app/messaging';
import { RecomputeRuns1763900700000 } from './1763900700000-recompute-runs';

/** Every migration of the analytics schema, in order. */
export const ANALYTICS_MIGRATIONS = [CreateMessagingTables1763900000000, RecomputeRuns1763900700000, OutboxDeletedOnPublish1763900800000];
