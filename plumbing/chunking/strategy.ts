/**
 * The chunking contract. A strategy decides where a file's bytes are cut into chunks; the same
 * strategy with the same parameters must always cut the same bytes at the same offsets, because
 * chunk ids (and therefore deduplication and file ids) depend on it.
 */

/** What a strategy may know about the file being chunked (the seed's `chunk_data(data, file_extension)`). */
export interface ChunkSource {
  /** File name (base name or path); a hint only, never required: the content decides. */
  name?: string;
  /** Total size in bytes, when known in advance. */
  size?: number;
}

export interface ChunkingStrategy {
  /** Stable algorithm name as recorded in the repository config, e.g. `fastcdc-2020` or `fixed`. */
  readonly algorithm: string;
  /** The largest chunk this strategy can produce; streaming callers buffer at most this much. */
  readonly maxSize: number;
  /**
   * Length of the chunk that starts at `src[offset]`, given `length` bytes available from there.
   * Valid when `length >= maxSize` or when those are the last bytes of the input (`final`).
   * Always returns a value in `1..length` (or 0 when `length` is 0).
   *
   * Callers cut one file from its first byte, in order: each call starts where the previous chunk
   * ended. Generic strategies ignore that; format-aware ones (which follow an archive's members) keep
   * their position in the file, so each file needs its own instance (`FileChunking.forFile`).
   */
  cut(src: Uint8Array, offset: number, length: number): number;
  /** Whole-buffer convenience: the chunks of `data`, as views into it (the seed's `chunk_data`). */
  chunkData(data: Uint8Array, source?: ChunkSource): Uint8Array[];
}
