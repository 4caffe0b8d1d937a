/** One Server-Sent Event as received. */
export interface SseEvent {
  readonly id: string | null;
  readonly event: string | null;
  readonly data: string;
}

/**
 * A minimal SSE reader over fetch (Node's EventSource is not available in Node 20): collects events
 * until closed, and can send Last-Event-ID and an Authorization header.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  async connect(url: string, headers: Record<string, string>): Promise<void> {
    const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: this.controller.signal });
    if (response.status !== 200 || response.body === null) throw new Error(`SSE connect failed: ${response.status} ${await response.text()}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let boundary = buffer.indexOf('\n\n');
          while (boundary >= 0) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            this.parse(block);
            boundary = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) this.events.push({ id, event, data: data.join('\n') });
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
