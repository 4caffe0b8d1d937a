import { classifyFailure } from '../consumer/errors';

export interface CoalescingWriterOptions<Item, Result> {
  /** Writes items together; answers one result per item, in their order. */
  readonly write: (items: readonly Item[]) => Promise<Result[]>;
  /** How many items from the head of the queue (at least one) may go in the next write; all by default. */
  readonly takeFrom?: (queue: readonly Item[]) => number;
}

interface Pending<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One write in flight at a time: items that arrive meanwhile queue up and go together in the next
 * write, in the order they came, and each caller's promise settles with its own result. A lone item
 * goes at once; a busy moment costs a few writes instead of one per item.
 *
 * A write of several items that fails for the infrastructure's sake fails every caller; one that
 * fails otherwise may be one item's fault, so each item is written alone and only the guilty fails.
 */
export class CoalescingWriter<Item, Result> {
  private readonly queue: Array<Pending<Item, Result>> = [];
  private writing = false;

  constructor(private readonly options: CoalescingWriterOptions<Item, Result>) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      void this.drain();
    });
  }

  /** Fails every item still queued (a write in flight settles on its own). */
  rejectQueued(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const count = this.options.takeFrom?.(this.queue.map((pending) => pending.item)) ?? this.queue.length;
        const group = this.queue.splice(0, Math.max(1, count));
        try {
          this.settle(group, await this.options.write(group.map((pending) => pending.item)));
        } catch (error) {
          await this.writeAlone(group, error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private settle(group: ReadonlyArray<Pending<Item, Result>>, results: readonly Result[]): void {
    if (results.length !== group.length) {
      const error = new Error(`a coalesced write answered ${results.length} results for ${group.length} items`);
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, index) => pending.resolve(results[index] as Result));
  }

  private async writeAlone(group: ReadonlyArray<Pending<Item, Result>>, error: unknown): Promise<void> {
    if (group.length === 1 || classifyFailure(error) === 'transient') {
      for (const pending of group) pending.reject(error);
      return;
    }
    for (const pending of group) {
      try {
        this.settle([pending], await this.options.write([pending.item]));
      } catch (own) {
        pending.reject(own);
      }
    }
  }
}
