import { ProgressLine, type CliContext } from '../../plumbing/cli/index.js';

/** Milliseconds between JSON progress lines (STRATA_PROGRESS_MS overrides; 0 prints every update). */
function jsonInterval(): number {
  const v = Number(process.env.STRATA_PROGRESS_MS);
  return Number.isFinite(v) && v >= 0 ? v : 1000;
}

export interface ProgressReporter {
  update(files: number, bytes: number, expectedBytes?: number): void;
  done(): void;
}

/**
 * Progress for a long command: a live line on a TTY (files, bytes, rate, ETA), or with --json
 * `{"message_type":"status",…}` lines on stdout at a bounded rate (before the closing summary line).
 */
export function progressReporter(ctx: CliContext, label: string): ProgressReporter {
  if (!ctx.json) {
    const line = new ProgressLine(label, true);
    return { update: (files, bytes, expected) => line.update(files, bytes, expected), done: () => line.done() };
  }
  const interval = jsonInterval();
  const start = Date.now();
  let last = start;
  return {
    update: (files, bytes, expected) => {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      const seconds = (now - start) / 1000;
      const rate = seconds > 0 ? bytes / seconds : 0;
      const status: Record<string, unknown> = { message_type: 'status', action: label, files, bytes, seconds, bytes_per_second: Math.round(rate) };
      if (expected !== undefined && expected > 0) {
        status.percent_done = Math.min(1, bytes / expected);
        if (rate > 0) status.seconds_remaining = Math.max(0, Math.round((expected - bytes) / rate));
      }
      ctx.printJson(status);
    },
    done: () => undefined,
  };
}
