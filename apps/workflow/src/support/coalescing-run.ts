/**
 * Work that wake-ups trigger (a NOTIFY, a poll) and that must not run twice at once: a wake-up during a
 * run makes it run once more when it ends, however many wake-ups came, so nothing woken for is missed
 * and a burst of wake-ups costs one extra run. A failed run is reported and waits for the next wake-up.
 */
export class CoalescingRun {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.work();
        } while (this.again && !this.stopped);
      } catch (error) {
        this.failed(error);
      } finally {
        this.running = null;
      }
    })();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves once no run is in progress. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** No run starts after this; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
