import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finished pauses of a deadline's clock, oldest first: the clock needs its last resume instant. */
export class DeadlinePauses1763900300000 implements MigrationInterface {
  name = 'DeadlinePauses1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sla_deadlines ADD COLUMN pauses jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sla_deadlines DROP COLUMN pauses');
  }
}
