import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { withBearerAuth } from '@app/auth';
import type { AppConfig } from '@app/config';
import { Logger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { answerBodyParserErrors } from './body-parser-errors';
import { answerClientErrors } from './client-errors';

/** What a service's main.ts hands over: its root module class, or the dynamic module built from config. */
export type AppModuleDefinition = Type<unknown> | DynamicModule;

export const OPENAPI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs-json';

/** Serves the OpenAPI document at /docs (UI) and /docs-json, with the `bearer` scheme routes refer to. */
export function setupOpenApi(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    withBearerAuth(
      new DocumentBuilder()
        .setTitle(`${config.service.name} API`)
        .setDescription(`HTTP API of the ${config.service.name} service of the complaint handling backend.`)
        .setVersion('1'),
    ).build(),
  );
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'] });
}

/**
 * Everything bootstrapService does to an app short of listening: pino as the app's logger, body
 * size limits (a refused body is answered 413, 400 or 415 with a reason, and so is a request Node's
 * HTTP parser refuses), shutdown hooks and the OpenAPI document. Tests use it on apps built with
 * @nestjs/testing to get the same behaviour as a running service.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  const limit = config.http.bodyLimit;
  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { limit, extended: true });
  app.useBodyParser('raw', { limit });
  app.use(answerBodyParserErrors);
  answerClientErrors(app.getHttpServer());
  // SIGTERM and SIGINT close the app: onModuleDestroy, beforeApplicationShutdown, then the server.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  setupOpenApi(app, config);
}

/**
 * Creates, configures and starts a service on 0.0.0.0:`http.port`. The root module must import
 * ConfigModule.forRoot(config) and LoggingModule.forRoot().
 */
export async function bootstrapService(appModule: AppModuleDefinition, config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(appModule, { bufferLogs: true, abortOnError: false });
  try {
    configureApp(app, config);
    await app.listen(config.http.port, '0.0.0.0');
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Bootstrap').log(`${config.service.name} listening on http://0.0.0.0:${port} (API docs at /${OPENAPI_PATH})`);
  return app;
}
