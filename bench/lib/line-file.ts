/** Writing a large generated text file line by line, in batches, waiting for the stream to drain. */
import { createWriteStream, type WriteStream } from 'node:fs';

/** Lines gathered before one write. */
const BATCH = 10_000;

export class LineFile {
  private readonly out: WriteStream;
  private lines: string[] = [];

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  /** Adds one line (without its line feed). */
  async push(line: string): Promise<void> {
    this.lines.push(line);
    if (this.lines.length >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    if (this.lines.length > 0) await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
