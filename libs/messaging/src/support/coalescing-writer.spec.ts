import { CoalescingWriter } from './coalescing-writer';

/** A write that waits until released, so a test decides when the write in flight ends. */
function gatedWrites(answer: (items: readonly string[]) => string[]) {
  const writes: string[][] = [];
  const gates: Array<() => void> = [];
  const write = async (items: readonly string[]) => {
    writes.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return answer(items);
  };
  return { writes, write, release: () => gates.shift()?.() };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingWriter', () => {
  it('writes a lone item at once, and the items that arrive meanwhile together in the next write, each with its own result', async () => {
    const gated = gatedWrites((items) => items.map((item) => item.toUpperCase()));
    const writer = new CoalescingWriter<string, string>({ write: gated.write });
    const first = writer.submit('a');
    const rest = [writer.submit('b'), writer.submit('c')];
    await flush();
    expect(gated.writes).toEqual([['a']]);
    gated.release();
    await flush();
    expect(gated.writes).toEqual([['a'], ['b', 'c']]);
    gated.release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual(['A', 'B', 'C']);
  });

  it('takes only as many queued items as takeFrom allows', async () => {
    const gated = gatedWrites((items) => [...items]);
    const writer = new CoalescingWriter<string, string>({ write: gated.write, takeFrom: (queue) => Math.min(2, queue.length) });
    const all = ['a', 'b', 'c', 'd'].map((item) => writer.submit(item));
    for (let round = 0; round < 3; round += 1) {
      await flush();
      gated.release();
    }
    await expect(Promise.all(all)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(gated.writes).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('writes each item of a failed write alone, so only the one at fault fails', async () => {
    const writes: string[][] = [];
    const writer = new CoalescingWriter<string, string>({
      write: async (items) => {
        writes.push([...items]);
        if (items.includes('bad')) throw new Error('refused');
        return [...items];
      },
    });
    const outcomes = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((item) => writer.submit(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(writes).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('fails every item of a write that failed for the infrastructure, without writing them alone', async () => {
    const writes: string[][] = [];
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const writer = new CoalescingWriter<string, string>({
      write: async (items) => {
        writes.push([...items]);
        if (items.length > 1) throw down;
        return [...items];
      },
    });
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((item) => writer.submit(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(writes).toEqual([['a'], ['b', 'c']]);
  });

  it('fails the queued items on rejectQueued, and a write that answers the wrong number of results', async () => {
    const gated = gatedWrites((items) => (items.length > 1 ? ['one'] : [...items]));
    const writer = new CoalescingWriter<string, string>({ write: gated.write });
    const inFlight = writer.submit('a');
    const queued = writer.submit('b');
    await flush();
    writer.rejectQueued(new Error('closed'));
    gated.release();
    await expect(inFlight).resolves.toBe('a');
    await expect(queued).rejects.toThrow('closed');

    const together = [writer.submit('c'), writer.submit('d'), writer.submit('e')];
    for (let round = 0; round < 2; round += 1) {
      await flush();
      gated.release();
    }
    const outcomes = await Promise.allSettled(together);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('a coalesced write answered 1 results for 2 items'));
  });
});
