import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { noDelaySocketFactory } from './kafka-client.factory';

describe('noDelaySocketFactory', () => {
  let server: net.Server;
  let port: number;

  beforeAll(async () => {
    server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  afterEach(() => jest.restoreAllMocks());

  it('connects as kafkajs would, with Nagle’s algorithm off and keep-alive on', async () => {
    const noDelay = jest.spyOn(net.Socket.prototype, 'setNoDelay');
    const keepAlive = jest.spyOn(net.Socket.prototype, 'setKeepAlive');
    let socket: net.Socket | undefined;
    await new Promise<void>((resolve) => {
      socket = noDelaySocketFactory({ host: '127.0.0.1', port, ssl: undefined as never, onConnect: resolve });
    });
    expect(socket?.remotePort).toBe(port);
    expect(noDelay.mock.contexts).toContain(socket);
    expect(noDelay.mock.calls[noDelay.mock.contexts.indexOf(socket)]).toEqual([true]);
    expect(keepAlive.mock.calls[keepAlive.mock.contexts.indexOf(socket)]).toEqual([true, 60_000]);
    socket?.destroy();
  });
});
