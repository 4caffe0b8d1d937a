import { DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { createDataSource, migrate, type PersistenceOptions } from './data-source.factory';

export interface PersistenceModuleOptions {
  readonly entities?: PersistenceOptions['entities'];
  readonly migrations?: PersistenceOptions['migrations'];
  /** Apply pending migrations at start (make up runs them beforehand; tests and single-node runs may ask). */
  readonly migrateOnStart?: boolean;
}

/** Provides the service's TypeORM DataSource, initialised at start and closed last at shutdown. */
@Global()
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: PersistenceModuleOptions = {}): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const dataSource = createDataSource({
              url: config.database.url,
              schema: config.database.schema,
              poolSize: config.database.poolSize,
              entities: options.entities,
              migrations: options.migrations,
              applicationName: config.kafka.clientId,
            });
            await dataSource.initialize();
            if (options.migrateOnStart === true) await migrate(dataSource);
            return dataSource;
          },
        },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
      this.logger.log('database connections closed');
    }
  }
}
