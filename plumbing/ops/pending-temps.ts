/**
 * Temporary files being written into a restore's or checkout's target. Removed when the process exits
 * before they are renamed into place (a SIGINT ends the process with process.exit), so an interrupted
 * restore leaves no stray files. Writers on other threads first register a hook that stops them: the
 * hooks run before the files are removed, so no thread creates one after that.
 */
import { unlinkSync } from 'node:fs';

const pending = new Set<Buffer>();
const stoppers = new Set<() => void>();
let hookInstalled = false;

function cleanUp(): void {
  for (const stop of stoppers) stop();
  for (const temp of pending) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already gone
    }
  }
}

function install(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.once('exit', cleanUp);
}

/** Records a temporary file about to be made; forget it with `untrackTemp` once renamed or removed. */
export function trackTemp(path: Buffer): void {
  install();
  pending.add(path);
}

export function untrackTemp(path: Buffer): void {
  pending.delete(path);
}

/**
 * Registers `stop`, run at exit before the temporary files are removed: it must return only once no
 * other thread will create or leave one. Returns the function that unregisters it.
 */
export function beforeTempCleanup(stop: () => void): () => void {
  install();
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}
