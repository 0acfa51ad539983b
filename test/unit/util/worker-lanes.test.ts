/**
 * The dispatch machinery shared by the worker-thread pools, with real worker threads running a small
 * script: requests go to the least loaded worker by cost, notices reach their request's listener, a failed worker answers what was waiting
 * with the fallback reply and later sends reject, and batches are sent full or at the end of a turn.
 */
import { describe, expect, it } from 'vitest';
import { Batches, WorkerLanes, workerFileExists } from '../../../plumbing/util/worker-lanes.js';

interface Req {
  seq: number;
  wait?: number;
  items?: number[];
  crash?: boolean;
  notices?: number;
}
interface Rep {
  seq: number;
  thread: number;
  doubled?: number[];
  failed?: string;
}

/** Answers after `wait` ms with its thread id and the items doubled; `crash` throws in the worker. */
const SCRIPT = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (r) => {
  if (r.crash) throw new Error('boom');
  for (let i = 1; i <= (r.notices ?? 0); i++) parentPort.postMessage({ seq: r.seq, notice: i });
  setTimeout(() => parentPort.postMessage({ seq: r.seq, thread: threadId, doubled: (r.items ?? []).map((x) => x * 2) }), r.wait ?? 0);
});`;
const url = new URL(`data:text/javascript,${encodeURIComponent(`import { createRequire } from 'node:module'; const require = createRequire('file:///'); ${SCRIPT}`)}`);

function lanes(n: number): WorkerLanes<Req, Rep> {
  const l = new WorkerLanes<Req, Rep>({ url, workerData: null, failed: (err) => ({ seq: -1, thread: -1, failed: err.message }) });
  for (let i = 0; i < n; i++) l.add();
  return l;
}

describe('WorkerLanes', () => {
  it('sends each request to the worker with the least cost outstanding', async () => {
    const l = lanes(2);
    try {
      expect(l.size).toBe(2);
      // A costly request holds one worker; the cheap ones that follow all go to the other.
      const slow = l.send({ seq: l.next(), wait: 300 }, [], 1000);
      const quick = await Promise.all([1, 2, 3].map(() => l.send({ seq: l.next() }, [], 1)));
      const slowReply = await slow;
      expect(new Set(quick.map((r) => r.thread)).size).toBe(1);
      expect(quick[0]?.thread).not.toBe(slowReply.thread);
      // Replies find their requests by seq.
      const a = l.send({ seq: l.next(), items: [1, 2], wait: 50 });
      const b = l.send({ seq: l.next(), items: [5] });
      expect((await a).doubled).toEqual([2, 4]);
      expect((await b).doubled).toEqual([10]);
    } finally {
      await l.close();
    }
  });

  it("a request's notices reach its listener before its reply", async () => {
    const l = lanes(1);
    try {
      const seen: unknown[] = [];
      const other: unknown[] = [];
      const [reply] = await Promise.all([
        l.send({ seq: l.next(), notices: 3, items: [4] }, [], 1, (n) => seen.push(n)),
        l.send({ seq: l.next(), notices: 2 }, [], 1, (n) => other.push(n)),
        l.send({ seq: l.next(), notices: 2 }),
      ]);
      expect(reply.doubled).toEqual([8]);
      expect(seen).toEqual([1, 2, 3]);
      expect(other).toEqual([1, 2]);
    } finally {
      await l.close();
    }
  });

  it('a worker that fails answers what waits with the fallback reply; later requests reject', async () => {
    const l = lanes(1);
    try {
      const waiting = l.send({ seq: l.next(), wait: 500 });
      const crashing = l.send({ seq: l.next(), crash: true });
      expect(await crashing).toMatchObject({ seq: -1, failed: 'boom' });
      expect(await waiting).toMatchObject({ seq: -1, failed: 'boom' });
      await expect(l.send({ seq: l.next() })).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      await l.close();
    }
  });

  it('workerFileExists: only a file URL of an existing file', () => {
    expect(workerFileExists(new URL(import.meta.url))).toBe(true);
    expect(workerFileExists(new URL('./no-such-worker.js', import.meta.url))).toBe(false);
    expect(workerFileExists(url)).toBe(false);
  });
});

describe('Batches', () => {
  it('sends full batches at once and the rest at the end of the turn, results in order', async () => {
    const sent: number[][] = [];
    const b = new Batches<number, number>(
      3,
      async (items) => {
        sent.push(items);
        return items.map((x) => x * 10);
      },
      () => -1,
    );
    const results = [1, 2, 3, 4, 5, 6, 7].map((x) => b.add(x));
    // The two full batches went out synchronously; the partial one waits for the turn to end.
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(sent).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('a batch whose send rejects gives every item the failed result', async () => {
    const b = new Batches<number, string>(
      2,
      async (items) => {
        if (items.includes(3)) throw new Error('down');
        return items.map(String);
      },
      (err) => `failed: ${(err as Error).message}`,
    );
    expect(await Promise.all([1, 2, 3, 4].map((x) => b.add(x)))).toEqual(['1', '2', 'failed: down', 'failed: down']);
  });
});
