import type { INestApplication } from '@nestjs/common';
import { type AppConfig, ConfigError, loadConfig, type ServiceName } from '@app/config';
import { type AppModuleDefinition, bootstrapService } from './bootstrap-service';

/**
 * The whole of a service's main.ts: validates the environment into the service's configuration,
 * builds the root module from it and starts the app. A configuration problem is a message for the
 * operator, not a crash: it is printed without a stack trace and the process exits with status 1.
 */
export async function runService(
  name: ServiceName,
  appModule: (config: AppConfig) => AppModuleDefinition,
): Promise<INestApplication> {
  let config: AppConfig;
  try {
    config = loadConfig(name);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  try {
    return await bootstrapService(appModule(config), config);
  } catch (error) {
    // Nest has already logged the cause with its stack; say which service gave up, and stop.
    process.stderr.write(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
