import type { DestinationStream } from 'pino';

export type LogRecord = Readonly<Record<string, unknown>>;

/** A pino destination that keeps the lines written to it, for tests to read back. */
export class LogSink implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }

  /** The records whose message contains `text`. */
  withMessage(text: string): LogRecord[] {
    return this.records().filter((record) => typeof record['msg'] === 'string' && record['msg'].includes(text));
  }
}
