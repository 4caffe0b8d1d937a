import { assertSchemaName } from '@app/persistence';

/**
 * The analytics projection: a pure fold of the events topic, rebuilt at will by a recompute. It lives in
 * a schema of its own beside the service's schema, so a recompute can build a shadow copy and swap the two
 * by renaming schemas in one transaction. Its tables are therefore created here rather than by
 * migrations; a change to them bumps PROJECTION_VERSION, and a projection of another version is rebuilt.
 */
export const PROJECTION_VERSION = 1;

export interface ProjectionSchemas {
  /** The schema the API reads and the live consumer writes. */
  readonly live: string;
  /** Where a recompute builds its copy before the swap. */
  readonly shadow: string;
}

export function projectionSchemas(serviceSchema: string): ProjectionSchemas {
  return { live: assertSchemaName(`${serviceSchema}_projection`), shadow: assertSchemaName(`${serviceSchema}_projection_shadow`) };
}

/**
 * Complaint and deadline rows are updated several times each as their events arrive (a recompute applies
 * a complaint's state changes one after the other). Room left on each page lets PostgreSQL keep the new
 * version beside the old one without touching the indexes (a HOT update), which makes those updates much
 * cheaper. A storage setting changes no figure, so it does not change PROJECTION_VERSION.
 */
const UPDATED_FILLFACTOR = 60;

/** The projection's tables, the ledger first: every batch writes it before any other. */
export const PROJECTION_TABLES = ['applied_events', 'complaints', 'deadlines', 'surveys', 'purchases', 'churns', 'projection_meta'] as const;

export interface ProjectionDdlOptions {
  /**
   * Tables that write no WAL: a recompute's shadow while it replays, made durable before it is swapped in
   * (`ProjectionStore.makeDurable`). A crash meanwhile empties them, and the recompute fails and is run again.
   */
  readonly unlogged?: boolean;
}

export function projectionDdl(schema: string, options: ProjectionDdlOptions = {}): string[] {
  const s = `"${assertSchemaName(schema)}"`;
  const table = options.unlogged === true ? 'UNLOGGED TABLE' : 'TABLE';
  return [
    `CREATE SCHEMA ${s}`,
    `CREATE ${table} ${s}.projection_meta (version integer NOT NULL, built_at timestamptz NOT NULL DEFAULT now())`,
    `INSERT INTO ${s}.projection_meta (version) VALUES (${PROJECTION_VERSION})`,
    // Every event applied, by id: the projection's own ledger, swapped with it.
    `CREATE ${table} ${s}.applied_events (event_id uuid PRIMARY KEY)`,
    `CREATE ${table} ${s}.complaints (
       complaint_id        uuid PRIMARY KEY,
       customer_id         uuid,
       channel             text,
       store_id            text,
       category            text,
       severity            text,
       received_at         timestamptz,
       first_response_at   timestamptz,
       state               text,
       state_at            timestamptz,
       resolved_at         timestamptz,
       closed_at           timestamptz,
       reopen_count        integer NOT NULL DEFAULT 0,
       highest_escalation  integer NOT NULL DEFAULT 0,
       escalations         integer NOT NULL DEFAULT 0,
       pauses              integer NOT NULL DEFAULT 0,
       waiting_since       timestamptz,
       waited_ms           bigint NOT NULL DEFAULT 0,
       longest_wait_ms     bigint NOT NULL DEFAULT 0,
       compensation_type   text,
       compensation_amount numeric,
       compensation_currency text
     ) WITH (fillfactor = ${UPDATED_FILLFACTOR})`,
    `CREATE INDEX ON ${s}.complaints (received_at)`,
    `CREATE INDEX ON ${s}.complaints (customer_id, received_at)`,
    // One row per deadline cycle: when due, met or breached, and the business time it used.
    `CREATE ${table} ${s}.deadlines (
       complaint_id  uuid NOT NULL,
       kind          text NOT NULL,
       cycle         integer NOT NULL,
       target_ms     bigint,
       due_at        timestamptz,
       met_at        timestamptz,
       business_ms   bigint,
       breached_at   timestamptz,
       PRIMARY KEY (complaint_id, kind, cycle)
     ) WITH (fillfactor = ${UPDATED_FILLFACTOR})`,
    `CREATE ${table} ${s}.purchases (
       purchase_id  uuid PRIMARY KEY,
       customer_id  uuid NOT NULL,
       store_id     text,
       amount       numeric NOT NULL,
       currency     text NOT NULL,
       at           timestamptz NOT NULL
     )`,
    `CREATE INDEX ON ${s}.purchases (customer_id, at)`,
    `CREATE INDEX ON ${s}.purchases (at)`,
    // The first explicit loss of each customer.
    `CREATE ${table} ${s}.churns (customer_id uuid PRIMARY KEY, at timestamptz NOT NULL)`,
    `CREATE ${table} ${s}.surveys (
       survey_id     uuid PRIMARY KEY,
       customer_id   uuid NOT NULL,
       sampled_at    timestamptz NOT NULL,
       dissatisfied  boolean NOT NULL,
       satisfaction  double precision,
       dimensions    jsonb
     )`,
    `CREATE INDEX ON ${s}.surveys (sampled_at)`,
    `CREATE INDEX ON ${s}.surveys (customer_id, sampled_at)`,
  ];
}
