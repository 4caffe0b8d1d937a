import { Body, Controller, Get, Logger, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@app/config';
import { PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import { configureApp } from '../bootstrap/bootstrap-service';
import { createPlatformTestApp, type PlatformTestApp } from '../testing/platform-test-app';
import { LogSink, type LogRecord } from '../testing/log-sink';
import { LOG_DESTINATION, LoggingModule } from './logging.module';

const customer = {
  phone: '+33 6 12 34 56 78',
  phoneDigits: '612345678',
  email: 'jane.doe+complaints@example.com',
};

interface CustomerBody {
  readonly phone: string;
  readonly email: string;
}

@Controller('complaints')
class ComplaintsTestController {
  private readonly logger = new Logger(ComplaintsTestController.name);

  constructor(private readonly pino: PinoLogger) {}

  @Post()
  register(@Body() body: CustomerBody): { registered: true } {
    this.logger.log(`registering a complaint from ${body.phone} (${body.email})`);
    this.pino.info({ customer: { phone: body.phone, email: body.email, aliases: [body.email] } }, 'customer recognised');
    this.pino.warn({ err: new Error(`no loyalty account for ${body.email}`) }, 'loyalty lookup failed');
    return { registered: true };
  }

  @Post('failing')
  fail(@Body() body: CustomerBody): never {
    throw new Error(`duplicate complaint for ${body.phone}`);
  }

  @Get('search')
  search(): [] {
    return [];
  }
}

function everyLine(platform: PlatformTestApp): string {
  return platform.logs.lines.join('');
}

function expectNoPersonalData(platform: PlatformTestApp): void {
  const output = everyLine(platform);
  expect(output).not.toContain(customer.phoneDigits.slice(0, 7));
  expect(output).not.toContain('12 34 56');
  expect(output).not.toContain('jane');
  expect(output).not.toContain('example.com');
}

function requestCompleted(platform: PlatformTestApp): LogRecord {
  const [line] = platform.logs.withMessage('request');
  if (line === undefined) throw new Error(`no request line in ${everyLine(platform)}`);
  return line;
}

describe('LoggingModule', () => {
  let platform: PlatformTestApp;

  beforeEach(async () => {
    platform = await createPlatformTestApp({ controllers: [ComplaintsTestController] });
  });

  afterEach(async () => {
    await platform.app.close();
  });

  it('masks a phone number and an email address in messages and in object fields', async () => {
    await request(platform.app.getHttpServer()).post('/complaints').send(customer).expect(201);

    const [message] = platform.logs.withMessage('registering a complaint');
    expect(message?.['msg']).toBe('registering a complaint from +** * ** ** ** 78 (j***@e***.com)');
    expect(message?.['context']).toBe('ComplaintsTestController');

    const [recognised] = platform.logs.withMessage('customer recognised');
    expect(recognised?.['customer']).toEqual({
      phone: '+** * ** ** ** 78',
      email: 'j***@e***.com',
      aliases: ['j***@e***.com'],
    });

    const [failedLookup] = platform.logs.withMessage('loyalty lookup failed');
    expect(failedLookup?.['err']).toMatchObject({ type: 'Error', message: 'no loyalty account for j***@e***.com' });
    expect(String((failedLookup?.['err'] as LogRecord)['stack'])).toContain('Error: no loyalty account for j***@e***.com');

    expectNoPersonalData(platform);
  });

  it('masks the message and the stack of an error that fails a request', async () => {
    await request(platform.app.getHttpServer()).post('/complaints/failing').send(customer).expect(500);

    const completed = requestCompleted(platform);
    expect(completed['level']).toBe('error');
    expect(completed['err']).toMatchObject({ message: 'duplicate complaint for +** * ** ** ** 78' });
    expectNoPersonalData(platform);
  });

  it('masks personal data in the request URL and query', async () => {
    await request(platform.app.getHttpServer())
      .get('/complaints/search')
      .query({ email: customer.email, phone: '0612345678' })
      .expect(200);

    const req = requestCompleted(platform)['req'] as LogRecord;
    expect(req['url']).toBe('/complaints/search?email=j***@e***.com&phone=********78');
    expect(req['query']).toEqual({ email: 'j***@e***.com', phone: '********78' });
  });

  it('redacts the Authorization header and cookies', async () => {
    await request(platform.app.getHttpServer())
      .get('/complaints/search')
      .set('Authorization', 'Bearer secret-token')
      .set('Cookie', 'session=secret-cookie')
      .expect(200);

    const headers = (requestCompleted(platform)['req'] as LogRecord)['headers'] as LogRecord;
    expect(headers['authorization']).toBe('[Redacted]');
    expect(headers['cookie']).toBe('[Redacted]');
    expect(everyLine(platform)).not.toContain('secret-');
  });

  it("keeps the caller's x-request-id, echoes it and puts it on every line of the request", async () => {
    const response = await request(platform.app.getHttpServer())
      .post('/complaints')
      .set('x-request-id', 'cti-call-0042')
      .send(customer)
      .expect(201);

    expect(response.headers['x-request-id']).toBe('cti-call-0042');
    for (const text of ['registering a complaint', 'customer recognised', 'request completed']) {
      expect(platform.logs.withMessage(text)[0]?.['requestId']).toBe('cti-call-0042');
    }
  });

  it('makes a request id when the caller sends none or an unusable one', async () => {
    const server = platform.app.getHttpServer();
    const first = await request(server).get('/complaints/search').expect(200);
    const second = await request(server).get('/complaints/search').set('x-request-id', 'has spaces\tand tabs').expect(200);

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(first.headers['x-request-id']).toMatch(uuid);
    expect(second.headers['x-request-id']).toMatch(uuid);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('puts the service name and an ISO time on every line, inside requests and out of them', async () => {
    await request(platform.app.getHttpServer()).post('/complaints').send(customer).expect(201);

    const records = platform.logs.records();
    expect(records.some((record) => record['requestId'] === undefined)).toBe(true);
    for (const record of records) {
      expect(record['service']).toBe('intake');
      expect(record['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it('does not log probe requests', async () => {
    const server = platform.app.getHttpServer();
    await request(server).get('/health').expect(200);
    await request(server).get('/ready').expect(200);
    await request(server).get('/metrics').expect(200);

    expect(platform.logs.withMessage('request completed')).toEqual([]);
  });
});

describe('LOG_DESTINATION', () => {
  it('lets a test that builds a whole service read back every line it writes, masked', async () => {
    const sink = new LogSink();
    __resetOutOfContextForTests();
    // Built as a service module is, with no destination of its own: the override is what redirects it.
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig('intake', {})), LoggingModule.forRoot()],
      controllers: [ComplaintsTestController],
    })
      .overrideProvider(LOG_DESTINATION)
      .useValue(sink)
      .compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
    configureApp(app, loadConfig('intake', {}));
    await app.init();
    try {
      await request(app.getHttpServer()).post('/complaints').send({ phone: customer.phone, email: customer.email }).expect(201);
    } finally {
      await app.close();
    }
    expect(sink.withMessage('customer recognised')).toHaveLength(1);
    expect(sink.withMessage('request completed')).toHaveLength(1);
    expect(sink.lines.join('')).not.toContain('jane');
  });
});
