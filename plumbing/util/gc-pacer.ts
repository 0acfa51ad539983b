/**
 * Young-generation collections paced by the bytes a worker thread has allocated in Buffers (the object
 * writers' and the file writers'). Each object read or stored leaves buffers behind whose memory V8
 * frees only when it collects the small objects that own them, which it does late: without this a
 * worker's memory grows far beyond what is in use.
 * A collection costs about a millisecond.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface GcPacer {
  /** Counts bytes allocated in buffers that are (or soon will be) garbage. */
  allocated(bytes: number): void;
  /**
   * Collects if `every` bytes were counted since the last collection. Call it where no counted buffer
   * is still referenced (between files, say): one still alive would survive into the old generation,
   * which is collected far less often.
   */
  collectIfDue(): void;
}

export function gcPacer(every: number): GcPacer {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as ((options?: { type: 'minor' | 'major'; execution: 'sync' }) => void) | undefined;
  let since = 0;
  return {
    allocated(bytes) {
      since += bytes;
    },
    collectIfDue() {
      if (since >= every && collect) {
        since = 0;
        collect({ type: 'minor', execution: 'sync' });
      }
    },
  };
}
