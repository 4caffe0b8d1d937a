import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { assertSchemaName } from '@app/persistence';
import { PROJECTION_TABLES, PROJECTION_VERSION, projectionDdl, projectionSchemas, type ProjectionDdlOptions, type ProjectionSchemas } from './projection-schema';

/**
 * The live projection schema and its shadow. Writers to the live projection hold a shared advisory
 * lock for their transaction; a recompute's swap holds it exclusively, so nothing is written to the live
 * projection between the shadow's last catch-up and the swap.
 */
@Injectable()
export class ProjectionStore implements OnModuleInit {
  private readonly logger = new Logger(ProjectionStore.name);
  readonly schemas: ProjectionSchemas;
  /** Set at start when the live projection had to be created empty. */
  createdEmpty = false;
  private readonly lockName: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schemas = projectionSchemas(config.database.schema);
    this.lockName = `analytics-projection:${config.database.schema}`;
  }

  async onModuleInit(): Promise<void> {
    this.createdEmpty = !(await this.ensureLive());
  }

  /** Taken by every transaction that writes the live projection. */
  async lockForWriting(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [this.lockName]);
  }

  /** Stops writers to the live projection until `unlockWriters`, on this connection. */
  async lockWriters(runner: QueryRunner): Promise<void> {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [this.lockName]);
  }

  async unlockWriters(runner: QueryRunner): Promise<void> {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockName]);
  }

  /** The version of the projection in `schema`, or null when there is none. */
  async version(schema: string): Promise<number | null> {
    const [exists] = (await this.dataSource.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])) as unknown[];
    if (exists === undefined) return null;
    const [row] = (await this.dataSource.query(`SELECT version FROM "${schema}".projection_meta LIMIT 1`)) as Array<{ version: number }>;
    return row?.version ?? null;
  }

  /**
   * Makes sure a live projection of the current version exists. Returns false when it had to be created
   * empty (first start, or a new projection version): it then needs a recompute to hold the past.
   */
  async ensureLive(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await this.lockWriters(runner);
      const version = await this.version(this.schemas.live);
      if (version === PROJECTION_VERSION) return true;
      await this.create(runner, this.schemas.live);
      this.logger.warn({ msg: 'analytics projection created empty; a recompute rebuilds its past', previousVersion: version, version: PROJECTION_VERSION });
      return false;
    } finally {
      await this.unlockWriters(runner).catch(() => undefined);
      await runner.release();
    }
  }

  /** A fresh, empty projection in `schema` (anything there before is dropped). */
  async create(runner: QueryRunner, schema: string, options: ProjectionDdlOptions = {}): Promise<void> {
    await runner.startTransaction();
    try {
      await runner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      for (const statement of projectionDdl(schema, options)) await runner.query(statement);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  /**
   * Makes a projection created unlogged durable: each table is rewritten into the WAL once. Its writers
   * wait meanwhile. The ledger is locked first, and every writer takes it before any other table, so
   * none holds a table this waits for while waiting for one this holds.
   */
  async makeDurable(runner: QueryRunner, schema: string): Promise<void> {
    const tables = PROJECTION_TABLES.map((table) => `"${assertSchemaName(schema)}".${table}`);
    await runner.startTransaction();
    try {
      // Taken in the order listed.
      await runner.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      for (const table of tables) await runner.query(`ALTER TABLE ${table} SET LOGGED`);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  /** Puts the shadow in place of the live projection, in one transaction; readers see one or the other. */
  async swap(runner: QueryRunner): Promise<void> {
    const retired = `${this.schemas.live}_retired`;
    await runner.startTransaction();
    try {
      await runner.query(`DROP SCHEMA IF EXISTS "${retired}" CASCADE`);
      const live = (await runner.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [this.schemas.live])) as unknown[];
      // No live projection yet (a recompute before the service's first start): the shadow simply becomes it.
      if (live.length > 0) await runner.query(`ALTER SCHEMA "${this.schemas.live}" RENAME TO "${retired}"`);
      await runner.query(`ALTER SCHEMA "${this.schemas.shadow}" RENAME TO "${this.schemas.live}"`);
      await runner.query(`DROP SCHEMA IF EXISTS "${retired}" CASCADE`);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  async dropAll(): Promise<void> {
    for (const schema of [this.schemas.live, this.schemas.shadow]) await this.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}
