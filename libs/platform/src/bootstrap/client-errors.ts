import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type MalformedRequestReason = 'malformed_request' | 'headers_too_large' | 'chunk_extensions_too_large' | 'request_timeout';

export interface MalformedRequestBody {
  readonly statusCode: 400 | 408 | 413 | 431;
  readonly error: string;
  readonly reason: MalformedRequestReason;
  readonly message: string;
}

/** Node's own choice of status for each parser error, with a reason and a message. */
function answerFor(code: string | undefined): MalformedRequestBody {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { statusCode: 431, error: 'Request Header Fields Too Large', reason: 'headers_too_large', message: 'the request line and headers are larger than the server reads' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { statusCode: 413, error: 'Payload Too Large', reason: 'chunk_extensions_too_large', message: 'the chunk extensions of the request body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { statusCode: 408, error: 'Request Timeout', reason: 'request_timeout', message: 'the request did not arrive in time' };
    default:
      return { statusCode: 400, error: 'Bad Request', reason: 'malformed_request', message: 'the request is not well-formed HTTP/1.1 (request line, headers or chunked body)' };
  }
}

interface ClientSocket extends Duplex {
  /** The response in flight on this connection, if any (node:http's own bookkeeping). */
  readonly _httpMessage?: { readonly headersSent?: boolean } | null;
}

/**
 * A request Node's HTTP parser cannot read (a byte outside the allowed set in the request line, a
 * head over the header size limit, broken chunking) never reaches Express: Node answers it itself,
 * with an empty body. This answers the same statuses as JSON with a reason, like every other refusal,
 * and like Node writes nothing when a response has already begun on the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: ClientSocket) => {
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    const answer = answerFor(error.code);
    const body = JSON.stringify(answer);
    socket.end(
      `HTTP/1.1 ${answer.statusCode} ${answer.error}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}
