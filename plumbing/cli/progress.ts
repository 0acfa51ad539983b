import { formatBytes } from '../util/byte-size.js';

export { formatBytes };

/**
 * A one-line live progress display on stderr, drawn only when stderr is a TTY and --json is off,
 * at most ten times a second.
 */
export class ProgressLine {
  private last = 0;
  private readonly start = Date.now();
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    enabled: boolean,
  ) {
    this.enabled = enabled && Boolean((process.stderr as { isTTY?: boolean }).isTTY);
  }

  update(files: number, bytes: number, total?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.start) / 1000, 0.001);
    const rate = bytes / secs;
    let line = `${this.label}: ${files} files, ${formatBytes(bytes)}, ${formatBytes(rate)}/s`;
    if (total !== undefined && total > 0 && rate > 0) {
      const eta = Math.max(0, (total - bytes) / rate);
      line += `, ${Math.round((bytes / total) * 100)}%, ETA ${Math.ceil(eta)}s`;
    }
    process.stderr.write(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
  }
}
