import type { Writable } from 'node:stream';

/** Bytes gathered before a write; small pieces are copied into blocks of this size. */
const BLOCK_SIZE = 512 * 1024;
/** Pieces at least this large are written as they are, not copied. */
const DIRECT = 128 * 1024;
/** Blocks kept for reuse once the stream has written them (fresh memory costs page faults). */
const SPARE = 4;

/**
 * Output for commands that print many small answers (`cat-file --batch`): pieces are copied into
 * reused blocks and written a block at a time, because a write per answer costs more than the
 * answer. A block also goes out as soon as the process would otherwise wait (the next turn of the
 * event loop), so an interactive caller gets each answer without delay.
 */
export class BlockOutput {
  private block: Buffer;
  private used = 0;
  private readonly spare: Buffer[] = [];
  private scheduled = false;
  private draining: Promise<void> | undefined;

  constructor(private readonly out: Writable) {
    this.block = Buffer.allocUnsafe(BLOCK_SIZE);
  }

  /** Adds text (UTF-8); resolves at once unless the stream asks the writer to wait. */
  text(value: string): Promise<void> | undefined {
    const length = Buffer.byteLength(value);
    const wait = this.room(length);
    this.used += this.block.write(value, this.used);
    this.schedule();
    return wait;
  }

  /** Adds bytes. */
  bytes(value: Uint8Array): Promise<void> | undefined {
    if (value.length >= DIRECT) {
      this.flush();
      return this.send(value) ?? this.draining;
    }
    const wait = this.room(value.length);
    this.block.set(value, this.used);
    this.used += value.length;
    this.schedule();
    return wait;
  }

  /** Writes what is gathered; resolves when the stream can take more. */
  async end(): Promise<void> {
    this.flush();
    await this.draining;
  }

  private room(length: number): Promise<void> | undefined {
    if (this.used + length <= this.block.length) return undefined;
    this.flush();
    if (length > this.block.length) this.block = Buffer.allocUnsafe(length);
    return this.draining;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.used === 0) return;
    const full = this.block;
    const data = full.subarray(0, this.used);
    this.block = this.spare.pop() ?? Buffer.allocUnsafe(BLOCK_SIZE);
    this.used = 0;
    this.send(data, () => {
      if (full.length === BLOCK_SIZE && this.spare.length < SPARE) this.spare.push(full);
    });
  }

  /** Writes `data`; returns a promise when the stream is full (resolved on 'drain'). */
  private send(data: Uint8Array, written?: () => void): Promise<void> | undefined {
    const ok = this.out.write(data, written ? (err) => !err && written() : undefined);
    if (ok || this.draining) return this.draining;
    this.draining = new Promise((resolve) =>
      this.out.once('drain', () => {
        this.draining = undefined;
        resolve();
      }),
    );
    return this.draining;
  }
}
