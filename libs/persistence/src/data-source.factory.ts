import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export interface PersistenceOptions {
  readonly url: string;
  /** The PostgreSQL schema the service owns; its tables, migrations table and outbox live there. */
  readonly schema: string;
  readonly poolSize: number;
  readonly entities?: MixedList<Function | string | EntitySchema>;
  readonly migrations?: MixedList<Function | string>;
  readonly applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
  return schema;
}

/**
 * TypeORM options for one service. The connection's search_path is the service's schema, so
 * migrations and raw SQL name tables without qualifying them, and a test can run the same
 * migrations in a throwaway schema of its own. Schema changes only ever come from migrations.
 */
export function dataSourceOptions(options: PersistenceOptions): DataSourceOptions {
  const schema = assertSchemaName(options.schema);
  return {
    type: 'postgres',
    url: options.url,
    schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize,
    applicationName: options.applicationName,
    extra: {
      options: `-c search_path=${schema},public`,
      max: options.poolSize,
      connectionTimeoutMillis: 5000,
      // Keeps a dead server from holding a query forever; consumers retry instead.
      query_timeout: 30000,
    },
  };
}

export function createDataSource(options: PersistenceOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/**
 * Creates the service's schema when missing, then applies pending migrations. Several instances may
 * start at once: a session advisory lock makes them take turns, and the later ones find nothing to do.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const schema = assertSchemaName((dataSource.options as PostgresConnectionOptions).schema ?? 'public');
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await lock.release();
  }
}

export async function dropSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA IF EXISTS "${assertSchemaName(schema)}" CASCADE`);
}
