/**
 * Young-generation collections paced by the bytes a worker thread has allocated in Buffers. Each
 * inflated object leaves a buffer behind whose memory V8 frees only when it collects the small object
 * that owns it, which it does late: without this a worker's memory grows far beyond what is in use.
 * A collection costs about a millisecond.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function gcPacer(every: number): (bytes: number) => void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as ((options?: { type: 'minor' | 'major'; execution: 'sync' }) => void) | undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= every && collect) {
      since = 0;
      collect({ type: 'minor', execution: 'sync' });
    }
  };
}
