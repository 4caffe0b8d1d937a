import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far outgoing webhooks have followed the alert stream: the stream id of the last alert whose
 * deliveries are in the queue. One row per schema, created when webhooks first run, at the stream's
 * head then, so switching them on does not replay the history; switched off and on again, they resume
 * where they stopped.
 */
export class WebhookCursor1763900500000 implements MigrationInterface {
  name = 'WebhookCursor1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_cursor (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_stream_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_cursor');
  }
}
