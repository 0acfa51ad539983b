/**
 * What a format-aware chunker needs from an archive format: a walk over the file that splits it into
 * regions (member headers, member data, and the rest), each cut on its own, so a member's data makes
 * the same chunks wherever it sits and whatever its header says.
 */

/** A stretch of the file that is cut on its own. */
export interface Region {
  kind: 'header' | 'data' | 'rest';
  /** Absolute end offset (exclusive); `Infinity` for `rest`, which runs to the end of the file. */
  end: number;
}

/** Why a walk stopped following members (the rest of the file is cut generically). */
export interface WalkStop {
  offset: number;
  /** True when the bytes there are not what the format allows (damaged or truncated archive). */
  damaged: boolean;
  reason: string;
}

/** A walk over one archive, driven region by region from its first byte. */
export interface MemberWalker {
  /**
   * The region that starts at absolute offset `pos`, whose bytes are `src[offset, offset + view)`
   * (`view` is the bytes available there, at most the strategy's maximum chunk size: decisions never
   * depend on how much more happens to be buffered). Returns a `rest` region once the members end.
   * `tentative`: where a member's header region would not start here (the members end, the bytes are
   * damaged or do not fit in `view`), return undefined and change nothing, so that a later call with
   * a full view decides.
   */
  next(src: Uint8Array, offset: number, view: number, pos: number): Region;
  next(src: Uint8Array, offset: number, view: number, pos: number, tentative: true): Region | undefined;
  /** The data length of the member whose header region was just returned (0 once it is returned). */
  readonly pendingData: number;
  /** Members whose headers the walk has read. */
  readonly members: number;
  /** Set once the walk has stopped following members. */
  readonly stop: WalkStop | undefined;
}

/**
 * What every walk shares: the member count, where it stopped, and the data region that follows a
 * header region. A format supplies `header`: the region at `pos` when no data is pending.
 */
export abstract class RegionWalker implements MemberWalker {
  members = 0;
  stop: WalkStop | undefined;
  /** Bytes of data that follow the header region just returned (set by `header`). */
  protected pending = 0;

  get pendingData(): number {
    return this.pending;
  }

  /** Stops following members at `pos`: the rest of the file is one generic region. */
  protected rest(pos: number, damaged: boolean, reason: string): Region {
    this.stop ??= { offset: pos, damaged, reason };
    return { kind: 'rest', end: Infinity };
  }

  next(src: Uint8Array, offset: number, view: number, pos: number): Region;
  next(src: Uint8Array, offset: number, view: number, pos: number, tentative: true): Region | undefined;
  next(src: Uint8Array, offset: number, view: number, pos: number, tentative = false): Region | undefined {
    if (this.stop) return tentative ? undefined : { kind: 'rest', end: Infinity };
    if (this.pending > 0) {
      const end = pos + this.pending;
      this.pending = 0;
      return { kind: 'data', end };
    }
    return this.header(src, offset, view, pos, tentative);
  }

  /** The header region (or rest) at `pos`; see MemberWalker.next for `tentative`. */
  protected abstract header(src: Uint8Array, offset: number, view: number, pos: number, tentative: boolean): Region | undefined;
}

/** An ASCII string of bytes, compared without allocating. */
export function bytesEqual(src: Uint8Array, at: number, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (src[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
