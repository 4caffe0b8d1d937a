import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake's read model follows workflow: each complaint's lifecycle state and current owner, as
 * announced by complaint.state_changed and complaint.ownership_changed, with the instant of the change
 * so a redelivered older event never overwrites a newer one.
 */
export class WorkflowStatus1763900600000 implements MigrationInterface {
  name = 'WorkflowStatus1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE complaints
        ADD COLUMN status_changed_at timestamptz,
        ADD COLUMN owner_id text,
        ADD COLUMN owner_changed_at timestamptz`);
    await queryRunner.query('UPDATE complaints SET owner_id = first_responder_id WHERE first_responder_id IS NOT NULL');
    await queryRunner.query('CREATE INDEX complaints_owner_idx ON complaints (owner_id, received_at DESC, id DESC)');
    await queryRunner.query('CREATE INDEX complaints_status_idx ON complaints (status, received_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX complaints_status_idx');
    await queryRunner.query('DROP INDEX complaints_owner_idx');
    await queryRunner.query('ALTER TABLE complaints DROP COLUMN owner_changed_at, DROP COLUMN owner_id, DROP COLUMN status_changed_at');
  }
}
