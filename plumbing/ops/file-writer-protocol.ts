/** Messages between FileWriterThreads and its workers (file-writer-worker.ts). */

/** One file for a worker: where to write what, as writeFileEntry takes it. */
export interface WriteJob {
  /** The file object (a blob or a chunk list), the size the tree records, mode and mtime (ms). */
  id: string;
  size: number;
  mode: number;
  mtime: number;
  /** The temporary name in the file's folder, and the final path. */
  temp: Uint8Array;
  path: Uint8Array;
  /** How the file is named in messages. */
  label: string;
}

/** An error as it crosses from a worker: enough to raise the same error again. */
export interface SentError {
  strata: boolean;
  code?: string;
  message: string;
  hint?: string;
  data?: Record<string, unknown>;
  errno?: number;
  syscall?: string;
}

export type WriteOutcome =
  | { ok: true; bytes: number }
  /** Not written (the writers are stopping, or a worker failed): to be written on the calling thread. */
  | { ok: false; here: true }
  | { ok: false; error: SentError };

export interface WriteRequest {
  seq: number;
  files: WriteJob[];
}

export interface WriteReply {
  seq: number;
  results: WriteOutcome[];
}

/** Sent while a request of one large file is written: the bytes written so far. */
export interface WriteProgress {
  seq: number;
  notice: { bytes: number };
}

/**
 * The state the workers and the exiting main thread share (an Int32Array over a SharedArrayBuffer):
 * `stop` is set at exit; `inside` counts workers between creating a temporary file and renaming or
 * removing it. A worker enters (increments `inside`) and only then checks `stop`; the main thread sets
 * `stop` and then waits for `inside` to reach 0, so after that no worker holds or makes a temporary file.
 */
export const GATE = { stop: 0, inside: 1 } as const;

export interface WorkerSetup {
  root: string;
  gate: Int32Array;
}
