/**
 * The storage backend: the small interface everything above `plumbing/store/` reaches the repository
 * through. The local folder is the first implementation; an S3-compatible store (objects and refs as
 * keys, conditional writes for compare-and-swap) can implement the same interface later.
 */
export interface StoredObjectInfo {
  id: string;
  /** Stored (compressed) bytes. */
  storedSize: number;
  /** Last modification time of the stored object, ms since the epoch. */
  mtimeMs: number;
}

export interface RefUpdate {
  name: string;
  /** The value to write (the full ref file content), or null to delete the ref. */
  next: string | null;
  /**
   * Compare-and-swap: `undefined` writes unconditionally; `null` requires the ref to be absent;
   * a string requires the current content to equal it.
   */
  expected?: string | null;
}

export interface StorageBackend {
  /** The stored (compressed) bytes of an object, or undefined when it is absent. */
  readObject(id: string): Promise<Buffer | undefined>;
  /** readObject without waiting, for backends where that is cheap (a local disk); absent otherwise. */
  readObjectSync?(id: string): Buffer | undefined;
  /**
   * Calls `use` with the stored bytes of an object, read without waiting into memory that is reused
   * once `use` returns (so `use` must not keep them); undefined when the object is absent. For tight
   * loops over many small objects on a local disk; absent where readObjectSync is.
   */
  withObjectSync?<T>(id: string, use: (stored: Uint8Array) => T): T | undefined;
  /** The first `length` stored bytes of an object (fewer if it is shorter), or undefined when absent. */
  readObjectHead(id: string, length: number): Promise<Buffer | undefined>;
  /** Stores the compressed bytes under `id` unless present; never exposes a partial object. True if written. */
  writeObjectIfAbsent(id: string, stored: Uint8Array): Promise<boolean>;
  hasObject(id: string): Promise<boolean>;
  /** hasObject without waiting, for backends where that is cheap (a local disk); absent otherwise. */
  hasObjectSync?(id: string): boolean;
  /**
   * When the object is stored, marks it as just used (so prune's grace period protects an object a
   * writer is about to name again) and returns true; returns false when it is absent.
   */
  freshenObject(id: string): Promise<boolean>;
  /** Every object whose id starts with `prefix` (may be empty). */
  listObjects(prefix?: string): AsyncIterable<StoredObjectInfo>;
  deleteObject(id: string): Promise<void>;
  /** The content of a ref file, or undefined when it does not exist. */
  readRef(name: string): Promise<string | undefined>;
  /** Applies one ref update atomically under the ref's lock; throws REF_CHANGED or LOCKED. */
  updateRef(update: RefUpdate): Promise<void>;
  /** Every ref name under `prefix` (e.g. `refs/` or `refs/tags/`), sorted. */
  listRefs(prefix: string): Promise<string[]>;
}
