/**
 * Applies pending migrations to each service's schema: `migrate.ts [intake] [workflow] [analytics]`
 * (all three when none is named). Safe to run from several places at once.
 */
import { loadConfig, type ServiceName } from '@app/config';
import { createDataSource, migrate } from '@app/persistence';
import { ANALYTICS_MIGRATIONS } from '../apps/analytics/src/migrations';
import { INTAKE_MIGRATIONS } from '../apps/intake/src/migrations';
import { WORKFLOW_MIGRATIONS } from '../apps/workflow/src/migrations';

const MIGRATIONS: Record<ServiceName, Function[]> = {
  intake: INTAKE_MIGRATIONS,
  workflow: WORKFLOW_MIGRATIONS,
  analytics: ANALYTICS_MIGRATIONS,
};

function isService(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(MIGRATIONS, name);
}

export async function migrateService(service: ServiceName, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const config = loadConfig(service, env);
  const dataSource = createDataSource({
    url: config.database.url,
    schema: config.database.schema,
    poolSize: 2,
    migrations: MIGRATIONS[service],
  });
  await dataSource.initialize();
  try {
    return await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !isService(name));
  if (unknown.length > 0) throw new Error(`unknown service(s): ${unknown.join(', ')}; expected intake, workflow or analytics`);
  const services = requested.length > 0 ? requested.filter(isService) : (Object.keys(MIGRATIONS) as ServiceName[]);
  for (const service of services) {
    const applied = await migrateService(service);
    process.stdout.write(`${service}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
