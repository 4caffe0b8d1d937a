import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live alert stream in narrow tables of its own. Placing an alert used to rewrite its whole row
 * (detail included) to set `stream_id`, with a new entry in each of the table's indexes: the costliest
 * statement of a breach storm. Now an alert's insert also lists its id in `alert_stream_pending` (the
 * trigger below, so no insert can skip it), and the sequencer moves pending ids into `alert_stream`
 * under the same single-sequencer lock as before, so resuming from Last-Event-ID stays gap-free.
 * Both hold only ids the trigger took from inserted alerts, which are never deleted: a foreign key
 * would only add a check and a row lock on the wide table to every move.
 */
export class AlertStreamTable1763900900000 implements MigrationInterface {
  name = 'AlertStreamTable1763900900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE alert_stream (stream_id bigint PRIMARY KEY, alert_id bigint NOT NULL UNIQUE)');
    await queryRunner.query('CREATE TABLE alert_stream_pending (alert_id bigint PRIMARY KEY)');
    await queryRunner.query('INSERT INTO alert_stream (stream_id, alert_id) SELECT stream_id, id FROM alerts WHERE stream_id IS NOT NULL');
    await queryRunner.query('INSERT INTO alert_stream_pending (alert_id) SELECT id FROM alerts WHERE stream_id IS NULL');
    // One statement-level trigger per insert: the inserted ids become pending, and the sequencer is woken.
    // An empty payload lets PostgreSQL fold a transaction's notifications into one.
    await queryRunner.query(`
      CREATE FUNCTION alerts_pending() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO alert_stream_pending (alert_id) SELECT id FROM inserted_alerts;
        PERFORM pg_notify('alerts_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP TRIGGER alerts_notify_trigger ON alerts');
    await queryRunner.query('DROP FUNCTION alerts_notify()');
    await queryRunner.query(
      'CREATE TRIGGER alerts_pending_trigger AFTER INSERT ON alerts REFERENCING NEW TABLE AS inserted_alerts FOR EACH STATEMENT EXECUTE FUNCTION alerts_pending()',
    );
    await queryRunner.query('DROP INDEX alerts_unsequenced_idx');
    await queryRunner.query('DROP INDEX alerts_stream_idx');
    await queryRunner.query('ALTER TABLE alerts DROP COLUMN stream_id');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE alerts ADD COLUMN stream_id bigint');
    await queryRunner.query('UPDATE alerts a SET stream_id = s.stream_id FROM alert_stream s WHERE s.alert_id = a.id');
    await queryRunner.query('CREATE UNIQUE INDEX alerts_stream_idx ON alerts (stream_id)');
    await queryRunner.query('CREATE INDEX alerts_unsequenced_idx ON alerts (id) WHERE stream_id IS NULL');
    await queryRunner.query('DROP TRIGGER alerts_pending_trigger ON alerts');
    await queryRunner.query('DROP FUNCTION alerts_pending()');
    await queryRunner.query(`
      CREATE FUNCTION alerts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('alerts_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END $$`);
    await queryRunner.query('CREATE TRIGGER alerts_notify_trigger AFTER INSERT ON alerts FOR EACH STATEMENT EXECUTE FUNCTION alerts_notify()');
    await queryRunner.query('DROP TABLE alert_stream_pending');
    await queryRunner.query('DROP TABLE alert_stream');
  }
}
