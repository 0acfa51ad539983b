/**
 * A counting semaphore: at most `limit` tasks run at once. Waiting takers get slots in the order
 * they asked (`fifo`, the default) or newest first (`lifo`: a walk of a tree whose folders take slots
 * for their entries then finishes the folders it is in before it starts others).
 */
export class Semaphore {
  private active = 0;
  /** Waiting takers, first at `head` (a queue: Array.shift would make a long wait quadratic). */
  private waiting: Array<() => void> = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly order: 'fifo' | 'lifo' = 'fifo',
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Takes a slot (waiting for one); give it back with `release` exactly once. */
  async acquire(): Promise<void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  release(): void {
    this.active--;
    if (this.head >= this.waiting.length) return;
    if (this.order === 'lifo') {
      (this.waiting.pop() as () => void)();
      return;
    }
    const next = this.waiting[this.head++] as () => void;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    next();
  }
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
