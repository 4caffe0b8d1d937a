import { Body, Controller, Post } from '@nestjs/common';
import request from 'supertest';
import { createPlatformTestApp, type PlatformTestApp } from '../testing/platform-test-app';

@Controller('complaints')
class ComplaintsTestController {
  @Post()
  register(@Body() body: unknown): unknown {
    return body;
  }
}

describe('refused request bodies', () => {
  let platform: PlatformTestApp;
  const http = () => request(platform.app.getHttpServer());

  beforeAll(async () => {
    platform = await createPlatformTestApp({ env: { HTTP_BODY_LIMIT: '1kb' }, controllers: [ComplaintsTestController] });
  });

  afterAll(async () => {
    await platform.app.close();
  });

  it('answers 413 with a reason to a body over HTTP_BODY_LIMIT', async () => {
    const response = await http().post('/complaints').send({ description: 'x'.repeat(2048) }).expect(413);
    expect(response.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      reason: 'body_too_large',
      message: 'the request body is larger than 1024 bytes',
    });
  });

  it('answers 400 to unreadable JSON without repeating any of it', async () => {
    const response = await http()
      .post('/complaints')
      .set('Content-Type', 'application/json')
      .send('{"callerNumber": "+44 7400 123456", "callerEmail": ')
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, reason: 'invalid_body' });
    expect(response.text).not.toContain('7400');
  });

  it('answers 415 to a charset the parser does not read', async () => {
    const response = await http().post('/complaints').set('Content-Type', 'application/json; charset=klingon').send('{}').expect(415);
    expect(response.body).toMatchObject({ statusCode: 415, reason: 'unsupported_encoding' });
  });

  it('logs each refusal, with its reason and without the body', async () => {
    await http().post('/complaints').send({ phone: '+44 7400 123456', description: 'y'.repeat(2048) }).expect(413);
    const refusals = platform.logs.withMessage('request body refused');
    expect(refusals.map((record) => record['reason'])).toEqual(expect.arrayContaining(['body_too_large', 'invalid_body']));
    expect(platform.logs.lines.join('')).not.toContain('7400');
    expect(platform.logs.lines.join('')).not.toContain('yyyy');
  });

  it("answers 400 with a reason to a compressed body that does not decompress, without zlib's words", async () => {
    const response = await http().post('/complaints').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"not":"gzip"}').expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      reason: 'invalid_body',
      message: 'the request body could not be decompressed as its Content-Encoding says',
    });
  });

  it('lets a body within the limit through to the route', async () => {
    await http().post('/complaints').send({ description: 'fine' }).expect(201, { description: 'fine' });
  });
});
