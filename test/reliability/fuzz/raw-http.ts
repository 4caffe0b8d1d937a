import http, { type IncomingHttpHeaders } from 'node:http';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly agent?: http.Agent;
}

/** A request exactly as it goes on the wire: the path is already encoded, the body already bytes. */
export interface RawRequest {
  readonly method: string;
  /** Path and query as sent in the request line (any byte from 0x21 to 0xff). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: Buffer | null;
  /** Sends the body with Transfer-Encoding: chunked instead of a Content-Length. */
  readonly chunked?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The answer was an event stream, closed by the client once its head arrived. */
  readonly streamed: boolean;
}

export class NoAnswerError extends Error {}

/**
 * Sends one request with node:http, so that what the fuzzer generates reaches the server unchanged
 * (supertest would re-encode paths and serialise bodies itself). An event stream is read up to its
 * head and then closed; any other answer is read to its end.
 */
export function sendRaw(endpoint: Endpoint, request: RawRequest, { timeoutMs }: { timeoutMs: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = typeof value === 'string' ? value : [...value];
    const body = request.body ?? null;
    // Framing is always declared: Node's client would otherwise send a GET's body unannounced, and the
    // server would read it as the next request on the connection.
    if (body !== null) {
      if (request.chunked === true) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = String(body.length);
    }
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const outgoing = http.request(
      { host: endpoint.host, port: endpoint.port, agent: endpoint.agent, method: request.method, path: request.path, headers },
      (response) => {
        const status = response.statusCode ?? 0;
        if (String(response.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          settle(() => resolve({ status, headers: response.headers, body: Buffer.alloc(0), streamed: true }));
          outgoing.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => settle(() => resolve({ status, headers: response.headers, body: Buffer.concat(chunks), streamed: false })));
        response.on('error', (error) => settle(() => reject(error)));
      },
    );
    const timer = setTimeout(() => {
      settle(() => reject(new NoAnswerError(`no complete answer within ${timeoutMs} ms`)));
      outgoing.destroy();
    }, timeoutMs);
    outgoing.on('error', (error) => settle(() => reject(error)));
    if (body !== null && body.length > 0) outgoing.write(body);
    outgoing.end();
  });
}
