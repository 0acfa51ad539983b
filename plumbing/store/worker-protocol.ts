/** Messages between the object writer pool and its workers. */
export type WorkerRequest =
  | { type: 'files'; seq: number; paths: Buffer[] }
  /** `data` holds the chunk in its first `length` bytes; the reply hands the buffer back for reuse. */
  | { type: 'chunk'; seq: number; data: ArrayBuffer; length: number }
  /** Small chunks one after another in `data`, with their lengths: one message for many (an archive's members). */
  | { type: 'chunks'; seq: number; data: ArrayBuffer; lengths: number[] };

/** How one chunk of a `chunks` batch was stored. */
export type ChunkResult = { ok: true; id: string; written: boolean; storedSize: number } | { ok: false; code: string; message: string; store: boolean };

export type FileResult =
  | { ok: true; id: string; size: number; newObjects: number; newStoredBytes: number }
  /** `store` is true when writing to the repository failed (fatal), false when reading the file did. */
  | { ok: false; code: string; message: string; store: boolean };

export type WorkerReply =
  | { type: 'files'; seq: number; results: FileResult[] }
  | { type: 'chunk'; seq: number; ok: true; id: string; written: boolean; storedSize: number; data: ArrayBuffer }
  | { type: 'chunk'; seq: number; ok: false; code: string; message: string; store: boolean; data?: ArrayBuffer }
  | { type: 'chunks'; seq: number; results: ChunkResult[]; data: ArrayBuffer };
