import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live alert stream's order. Alerts are inserted by concurrent transactions, so their ids commit
 * out of order; a single sequencer (AlertsRepository.sequence) later numbers committed alerts with
 * `stream_id`, one transaction at a time, so a reader resuming after stream id n never meets a smaller
 * one committing behind it, and inserting an alert never waits on a global lock.
 */
export class AlertStreamOrder1763900400000 implements MigrationInterface {
  name = 'AlertStreamOrder1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE alerts ADD COLUMN stream_id bigint');
    await queryRunner.query('CREATE SEQUENCE alerts_stream_id_seq');
    await queryRunner.query('CREATE UNIQUE INDEX alerts_stream_idx ON alerts (stream_id)');
    await queryRunner.query('CREATE INDEX alerts_unsequenced_idx ON alerts (id) WHERE stream_id IS NULL');
    // An empty payload lets PostgreSQL fold a transaction's notifications into one.
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION alerts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('alerts_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP TRIGGER alerts_notify_trigger ON alerts');
    await queryRunner.query('CREATE TRIGGER alerts_notify_trigger AFTER INSERT ON alerts FOR EACH STATEMENT EXECUTE FUNCTION alerts_notify()');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER alerts_notify_trigger ON alerts');
    await queryRunner.query('CREATE TRIGGER alerts_notify_trigger AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_notify()');
    await queryRunner.query('DROP INDEX alerts_unsequenced_idx');
    await queryRunner.query('DROP INDEX alerts_stream_idx');
    await queryRunner.query('DROP SEQUENCE alerts_stream_id_seq');
    await queryRunner.query('ALTER TABLE alerts DROP COLUMN stream_id');
  }
}
