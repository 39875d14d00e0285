import { AppendBatcher, type BatchedAppend, type StoredRow } from './append-batcher.js';

function append(streamId: string, version = 1): BatchedAppend {
  return {
    streamId,
    eventId: `${streamId}-${version}`,
    version,
    type: 'T',
    schemaVersion: 1,
    data: '{}',
    metadata: '{}',
    occurredAt: new Date(0),
  };
}

/** A writer whose batches finish when the test says so; it stores every append it is given. */
class ControlledWriter {
  readonly batches: BatchedAppend[][] = [];
  private readonly finishers: Array<(error?: unknown) => void> = [];
  refuse?: (a: BatchedAppend) => unknown;

  readonly write = (batch: readonly BatchedAppend[]): Promise<Array<StoredRow | undefined>> => {
    this.batches.push([...batch]);
    const transactionId = String(this.batches.length);
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => {
        if (error) return reject(error);
        const refused = this.refuse && batch.map(this.refuse).find((e) => e !== undefined);
        if (refused) return reject(refused);
        resolve(batch.map((a) => (a.version === 99 ? undefined : { position: a.eventId, transaction_id: transactionId })));
      });
    });
  };

  finishNext(error?: unknown): void {
    const finish = this.finishers.shift();
    if (!finish) throw new Error('no batch is being written');
    finish(error);
  }

  get writing(): number {
    return this.finishers.length;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('AppendBatcher', () => {
  it('sends an append at once, alone, while fewer batches than its concurrency are being written', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 2, maxBatch: 100 });
    const a = batcher.submit(append('a'));
    const b = batcher.submit(append('b'));
    expect(writer.batches.map((batch) => batch.map((x) => x.streamId))).toEqual([['a'], ['b']]);
    writer.finishNext();
    writer.finishNext();
    await expect(a).resolves.toEqual({ position: 'a-1', transaction_id: '1' });
    await expect(b).resolves.toEqual({ position: 'b-1', transaction_id: '2' });
  });

  it('gathers the appends that arrive while it is busy into the next batch, in their order', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100 });
    const first = batcher.submit(append('a'));
    const later = ['b', 'c', 'd', 'e'].map((s) => batcher.submit(append(s)));
    expect(batcher.pending).toEqual({ queued: 4, writing: 1 });
    writer.finishNext();
    await first;
    await flush();
    expect(writer.batches[1].map((x) => x.streamId)).toEqual(['b', 'c', 'd', 'e']);
    writer.finishNext();
    const rows = await Promise.all(later);
    expect(rows.map((r) => r?.transaction_id)).toEqual(['2', '2', '2', '2']);
    expect(batcher.pending).toEqual({ queued: 0, writing: 0 });
  });

  it('never puts two appends to one stream in the same batch, and keeps the later one for the next', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100 });
    void batcher.submit(append('x'));
    const waiting = [
      batcher.submit(append('s', 1)),
      batcher.submit(append('t')),
      batcher.submit(append('s', 2)),
      batcher.submit(append('u')),
    ];
    writer.finishNext();
    await flush();
    expect(writer.batches[1].map((x) => `${x.streamId}${x.version}`)).toEqual(['s1', 't1', 'u1']);
    writer.finishNext();
    await flush();
    expect(writer.batches[2].map((x) => `${x.streamId}${x.version}`)).toEqual(['s2']);
    writer.finishNext();
    await Promise.all(waiting);
  });

  it('caps a batch at maxBatch appends', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 3 });
    const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => batcher.submit(append(s)));
    for (let i = 0; i < 4; i++) {
      await flush();
      writer.finishNext();
    }
    await Promise.all(all);
    expect(writer.batches.map((b) => b.length)).toEqual([1, 3, 3, 1]);
  });

  it('answers undefined to the append that lost its race, and its neighbours their rows', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100 });
    void batcher.submit(append('x'));
    const [won, lost] = [batcher.submit(append('a')), batcher.submit(append('b', 99))];
    writer.finishNext();
    await flush();
    writer.finishNext();
    await expect(won).resolves.toMatchObject({ position: 'a-1' });
    await expect(lost).resolves.toBeUndefined();
  });

  it('retries each append of a batch PostgreSQL refused on its own, so only the culprit fails', async () => {
    const writer = new ControlledWriter();
    const poison = Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
    writer.refuse = (a) => (a.streamId === 'bad' ? poison : undefined);
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100 });
    void batcher.submit(append('x'));
    const outcomes = Promise.allSettled(['a', 'bad', 'c'].map((s) => batcher.submit(append(s))));
    writer.finishNext();
    await flush();
    writer.finishNext(); // the batch of three: refused
    await flush();
    expect(writer.batches.slice(2).map((b) => b.map((x) => x.streamId))).toEqual([['a'], ['bad'], ['c']]);
    writer.finishNext();
    writer.finishNext();
    writer.finishNext();
    const settled = await outcomes;
    expect(settled.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBe(poison);
  });

  it('fails the whole batch, without retrying, when the connection is lost (it may have committed)', async () => {
    const writer = new ControlledWriter();
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100 });
    void batcher.submit(append('x'));
    const outcomes = Promise.allSettled(['a', 'b'].map((s) => batcher.submit(append(s))));
    writer.finishNext();
    await flush();
    writer.finishNext(new Error('Connection terminated unexpectedly'));
    const settled = await outcomes;
    expect(settled.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(writer.batches).toHaveLength(2);
    expect(writer.writing).toBe(0);
  });

  it('tells onWritten about each committed batch', async () => {
    const writer = new ControlledWriter();
    const sizes: number[] = [];
    const batcher = new AppendBatcher({ write: writer.write, concurrency: 1, maxBatch: 100, onWritten: (b) => sizes.push(b.length) });
    const all = ['a', 'b', 'c'].map((s) => batcher.submit(append(s)));
    writer.finishNext();
    await flush();
    writer.finishNext();
    await Promise.all(all);
    expect(sizes).toEqual([1, 2]);
  });
});
