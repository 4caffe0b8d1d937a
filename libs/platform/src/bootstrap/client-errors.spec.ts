import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { answerClientErrors } from './client-errors';

/** Sends raw bytes on a fresh connection and reads everything until the server closes it. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function parse(answer: string): { status: number; contentType: string | undefined; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  const contentType = headers.find((line) => line.toLowerCase().startsWith('content-type:'))?.slice('content-type:'.length).trim();
  return { status: Number(statusLine.split(' ')[1]), contentType, body: JSON.parse(body) };
}

describe('answerClientErrors', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a request line the parser refuses with 400 in JSON with a reason', async () => {
    const answer = parse(await exchange(port, Buffer.from('GET /complaints/\xe9 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')));
    expect(answer).toEqual({
      status: 400,
      contentType: 'application/json; charset=utf-8',
      body: expect.objectContaining({ statusCode: 400, error: 'Bad Request', reason: 'malformed_request', message: expect.any(String) }),
    });
  });

  it('answers a head over the size limit with 431 in JSON with a reason', async () => {
    const answer = parse(await exchange(port, Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)));
    expect(answer).toEqual({
      status: 431,
      contentType: 'application/json; charset=utf-8',
      body: expect.objectContaining({ statusCode: 431, reason: 'headers_too_large', message: expect.any(String) }),
    });
  });

  it('leaves well-formed requests to the application', async () => {
    expect(await exchange(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nok$/);
  });
});
