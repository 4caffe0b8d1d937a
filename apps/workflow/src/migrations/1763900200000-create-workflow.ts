import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWorkflow1763900200000 implements MigrationInterface {
  name = 'CreateWorkflow1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE complaints (
        id                  uuid PRIMARY KEY,
        reference           text NOT NULL,
        channel             text NOT NULL,
        store_id            text,
        category            text NOT NULL,
        severity            text NOT NULL,
        customer_id         uuid NOT NULL,
        state               text NOT NULL,
        owner_id            text,
        received_at         timestamptz NOT NULL,
        first_responded_at  timestamptz,
        resolved_at         timestamptz,
        closed_at           timestamptz,
        reopen_count        integer NOT NULL DEFAULT 0,
        escalation_level    integer NOT NULL DEFAULT 0,
        resolution          jsonb,
        version             integer NOT NULL DEFAULT 1,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX complaints_owner_idx ON complaints (owner_id, received_at DESC)`);
    await queryRunner.query(`CREATE INDEX complaints_unowned_idx ON complaints (received_at) WHERE owner_id IS NULL`);
    await queryRunner.query(`CREATE INDEX complaints_store_idx ON complaints (store_id, received_at DESC)`);
    // The deadlines are the truth; BullMQ jobs are a cache of them (one per pending notification).
    await queryRunner.query(`
      CREATE TABLE sla_deadlines (
        complaint_id      uuid NOT NULL REFERENCES complaints (id),
        kind              text NOT NULL CHECK (kind IN ('first_response', 'resolution')),
        cycle             integer NOT NULL DEFAULT 1,
        calendar          jsonb NOT NULL,
        target_ms         bigint NOT NULL,
        started_at        timestamptz NOT NULL,
        consumed_ms       bigint NOT NULL DEFAULT 0,
        paused_at         timestamptz,
        due_at            timestamptz,
        warn_at           timestamptz,
        met_at            timestamptz,
        warned_at         timestamptz,
        breached_at       timestamptz,
        version           integer NOT NULL DEFAULT 1,
        PRIMARY KEY (complaint_id, kind)
      )`);
    await queryRunner.query(`
      CREATE INDEX sla_deadlines_pending_idx ON sla_deadlines (due_at)
      WHERE met_at IS NULL AND due_at IS NOT NULL AND breached_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE complaint_history (
        id            bigserial PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        at            timestamptz NOT NULL,
        kind          text NOT NULL,
        actor         text,
        detail        jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX complaint_history_complaint_idx ON complaint_history (complaint_id, id)`);
    await queryRunner.query(`
      CREATE TABLE handovers (
        id            uuid PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        from_id       text NOT NULL,
        to_id         text NOT NULL,
        reason        text NOT NULL,
        status        text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
        created_at    timestamptz NOT NULL,
        decided_at    timestamptz
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX handovers_one_pending_idx ON handovers (complaint_id) WHERE status = 'pending'`);
    await queryRunner.query(`
      CREATE TABLE notes (
        id            uuid PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        author_id     text NOT NULL,
        body          text NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE escalations (
        id               uuid PRIMARY KEY,
        complaint_id     uuid NOT NULL REFERENCES complaints (id),
        level            integer NOT NULL,
        audience         text NOT NULL,
        store_id         text,
        reason           text NOT NULL,
        created_at       timestamptz NOT NULL,
        acknowledged_at  timestamptz,
        acknowledged_by  text,
        UNIQUE (complaint_id, level)
      )`);
    // Alert ids are a sequence so the live stream can resume from Last-Event-ID without gaps.
    await queryRunner.query(`
      CREATE TABLE alerts (
        id               bigserial PRIMARY KEY,
        dedup_key        text NOT NULL UNIQUE,
        kind             text NOT NULL,
        complaint_id     uuid NOT NULL REFERENCES complaints (id),
        store_id         text,
        severity         text NOT NULL,
        detail           jsonb NOT NULL,
        status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
        created_at       timestamptz NOT NULL,
        acknowledged_at  timestamptz,
        acknowledged_by  text
      )`);
    await queryRunner.query(`CREATE INDEX alerts_open_idx ON alerts (id) WHERE status = 'open'`);
    await queryRunner.query(`
      CREATE FUNCTION alerts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('alerts_' || TG_TABLE_SCHEMA, NEW.id::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER alerts_notify_trigger AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_notify()`);
    await queryRunner.query(`
      CREATE TABLE store_calendars (
        store_id       text PRIMARY KEY,
        time_zone      text NOT NULL,
        opening_hours  jsonb NOT NULL,
        holidays       jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER alerts_notify_trigger ON alerts');
    await queryRunner.query('DROP FUNCTION alerts_notify()');
    for (const table of ['store_calendars', 'alerts', 'escalations', 'notes', 'handovers', 'complaint_history', 'sla_deadlines', 'complaints']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
