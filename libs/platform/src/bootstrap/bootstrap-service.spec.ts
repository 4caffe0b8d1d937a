import { Body, Controller, type DynamicModule, type INestApplication, Module, Post } from '@nestjs/common';
import { type AppConfig, ConfigModule, loadConfig } from '@app/config';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { LogSink } from '../testing/log-sink';
import { bootstrapService } from './bootstrap-service';

@Controller('echo')
class EchoTestController {
  @Post('json')
  json(@Body() body: Record<string, unknown>): { keys: number } {
    return { keys: Object.keys(body).length };
  }

  @Post('raw')
  raw(@Body() body: Buffer): { bytes: number } {
    return { bytes: body.length };
  }
}

@Module({})
class SampleAppModule {
  static forRoot(config: AppConfig, logs: LogSink): DynamicModule {
    return {
      module: SampleAppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ destination: logs }),
        MetricsModule.forRoot(),
        HealthModule.forRoot(),
      ],
      controllers: [EchoTestController],
    };
  }
}

/** The intake configuration with a 1 kB body limit, on a port the system picks. */
function sampleConfig(): AppConfig {
  const config = loadConfig('intake', { HTTP_BODY_LIMIT: '1kb' });
  return { ...config, http: { ...config.http, port: 0 } };
}

describe('bootstrapService', () => {
  let app: INestApplication;
  let logs: LogSink;
  let baseUrl: string;

  beforeAll(async () => {
    __resetOutOfContextForTests();
    logs = new LogSink();
    const config = sampleConfig();
    app = await bootstrapService(SampleAppModule.forRoot(config, logs), config);
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('listens on every interface and says where, through the JSON logger', async () => {
    const address = app.getHttpServer().address() as AddressInfo;
    expect(address.address).toBe('0.0.0.0');
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    const [listening] = logs.withMessage('listening on');
    expect(listening).toMatchObject({ service: 'intake', msg: `intake listening on http://0.0.0.0:${address.port} (API docs at /docs)` });
  });

  it('sends the logs buffered during start-up to pino', () => {
    expect(logs.withMessage('Nest application successfully started')).toHaveLength(1);
    expect(logs.records()[0]).toMatchObject({ service: 'intake', context: 'NestFactory', msg: 'Starting Nest application...' });
  });

  it('serves the OpenAPI document with the bearer scheme, and its UI', async () => {
    const document = await request(baseUrl).get('/docs-json').expect(200);
    expect(document.body.info.title).toBe('intake API');
    expect(document.body.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/echo/json']));
    const ui = await request(baseUrl).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('accepts JSON and raw bodies up to the configured limit', async () => {
    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, 'v']));
    await request(baseUrl).post('/echo/json').send(fields).expect(201, { keys: 40 });
    await request(baseUrl)
      .post('/echo/raw')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(1000))
      .expect(201, { bytes: 1000 });
  });

  it('refuses JSON and raw bodies over the configured limit with 413', async () => {
    await request(baseUrl).post('/echo/json').send({ text: 'x'.repeat(2048) }).expect(413);
    await request(baseUrl).post('/echo/raw').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(2048)).expect(413);
  });
});
