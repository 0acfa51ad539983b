/** A live "label: done/total" line on stderr when it is a terminal (nothing otherwise, nor with --json). */
export interface CountProgress {
  update(done: number, total: number, what?: string): void;
  done(): void;
}

export function countProgress(label: string, json: boolean): CountProgress {
  const enabled = !json && Boolean((process.stderr as { isTTY?: boolean }).isTTY);
  let last = 0;
  let drawn = false;
  return {
    update: (done, total, what) => {
      if (!enabled) return;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const tail = what ? `  ${what.length > 50 ? `…${what.slice(-49)}` : what}` : '';
      process.stderr.write(`\r\x1b[K${label}: ${done}/${total}${tail}`);
      drawn = true;
    },
    done: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
