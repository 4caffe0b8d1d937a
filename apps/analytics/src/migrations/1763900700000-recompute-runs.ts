import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recompute runs and their progress, readable by every instance (a run may be started by the CLI). */
export class RecomputeRuns1763900700000 implements MigrationInterface {
  name = 'RecomputeRuns1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE recompute_runs (
        id             uuid PRIMARY KEY,
        state          text NOT NULL CHECK (state IN ('replaying', 'catching_up', 'swapping', 'done', 'failed')),
        started_by     text NOT NULL,
        started_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        finished_at    timestamptz,
        events_done    bigint NOT NULL DEFAULT 0,
        events_total   bigint NOT NULL DEFAULT 0,
        events_skipped bigint NOT NULL DEFAULT 0,
        error          text
      )`);
    await queryRunner.query('CREATE INDEX recompute_runs_started_idx ON recompute_runs (started_at DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE recompute_runs');
  }
}
