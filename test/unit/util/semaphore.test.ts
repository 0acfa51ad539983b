import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../plumbing/util/concurrency.js';

/** Takers 1..n wait on a full semaphore of one slot; returns the order they got the slot in. */
async function grantOrder(order: 'fifo' | 'lifo' | undefined, n: number): Promise<number[]> {
  const semaphore = order === undefined ? new Semaphore(1) : new Semaphore(1, order);
  await semaphore.acquire();
  const granted: number[] = [];
  const takers = Array.from({ length: n }, (_, i) =>
    semaphore.acquire().then(() => {
      granted.push(i + 1);
      semaphore.release();
    }),
  );
  semaphore.release();
  await Promise.all(takers);
  return granted;
}

describe('Semaphore order', () => {
  it('gives slots in the order they were asked for by default', async () => {
    expect(await grantOrder(undefined, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(await grantOrder('fifo', 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives slots to the newest taker first with lifo', async () => {
    expect(await grantOrder('lifo', 5)).toEqual([5, 4, 3, 2, 1]);
  });

  it('never has more than its limit running, in either order', async () => {
    for (const order of ['fifo', 'lifo'] as const) {
      const semaphore = new Semaphore(3, order);
      let running = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          semaphore.run(async () => {
            running++;
            most = Math.max(most, running);
            for (let k = 0; k < (i % 4) + 1; k++) await new Promise((r) => setImmediate(r));
            running--;
          }),
        ),
      );
      expect(most).toBe(3);
    }
  });
});
