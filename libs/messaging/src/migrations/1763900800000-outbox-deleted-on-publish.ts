import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay deletes the rows it has published instead of marking them (the events topic keeps the
 * events): the outbox holds only what is still to be sent, and needs neither `published_at` nor its
 * two partial indexes. Rows already published are deleted; those still to be sent are kept.
 */
export class OutboxDeletedOnPublish1763900800000 implements MigrationInterface {
  name = 'OutboxDeletedOnPublish1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM outbox WHERE published_at IS NOT NULL');
    await queryRunner.query('DROP INDEX outbox_published_at_idx');
    await queryRunner.query('DROP INDEX outbox_unpublished_idx');
    await queryRunner.query('ALTER TABLE outbox DROP COLUMN published_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE outbox ADD COLUMN published_at timestamptz');
    await queryRunner.query('CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL');
    await queryRunner.query('CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL');
  }
}
