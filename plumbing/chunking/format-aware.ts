/**
 * Format-aware chunking (objects-spec.md section 10.2). `FileChunking` holds a repository's chunking
 * config and hands out the strategy for each file: the generic one (FastCDC or fixed) for files that
 * cannot be archives it knows, else a `FormatAwareChunker` that looks at the file's first bytes when it
 * makes its first cut (bytes already read, so detection costs no extra I/O) and, for a tar or zip
 * archive, cuts each region of the archive (member headers, member data, the rest) on its own: a
 * region no longer than the maximum chunk is one chunk, a longer one is cut by the generic strategy.
 */
import type { ChunkingFormat, FormatChunkingConfig } from '../format/repo-config.js';
import type { MemberWalker, Region, WalkStop } from './member-walker.js';
import type { ChunkSource, ChunkingStrategy } from './strategy.js';
import { TarWalker, looksLikeTar } from './tar-members.js';
import { ZipWalker, looksLikeZip } from './zip-members.js';

/** File name endings that suggest each format (a hint: the content decides). */
export const FORMAT_EXTENSIONS: Readonly<Record<ChunkingFormat, readonly string[]>> = {
  tar: ['.tar'],
  zip: ['.zip', '.kra', '.ora', '.wz', '.pk3', '.pk4', '.pak', '.jar', '.apk', '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp', '.epub', '.3mf', '.usdz'],
};

/** How a file was chunked and why (for `strata chunk --explain`). */
export interface ChunkingExplanation {
  /** `generic`, `tar-members` or `zip-members`. */
  strategy: 'generic' | 'tar-members' | 'zip-members';
  /** The format the content was detected as, if any. */
  format?: ChunkingFormat;
  /** The format the file name suggests, if any. */
  hint?: ChunkingFormat;
  /** One sentence: why this strategy. */
  reason: string;
  /** Members whose headers were followed. */
  members?: number;
  /** Where and why the walk stopped following members, when it did. */
  stop?: WalkStop;
}

/** The format a file name suggests. */
export function formatHint(name: string | undefined): ChunkingFormat | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  for (const [format, endings] of Object.entries(FORMAT_EXTENSIONS) as [ChunkingFormat, readonly string[]][]) {
    if (endings.some((e) => lower.endsWith(e))) return format;
  }
  return undefined;
}

/** The format a file's first bytes show, among those enabled. */
export function detectFormat(head: Uint8Array, offset: number, length: number, formats: FormatChunkingConfig): ChunkingFormat | undefined {
  if (formats.zip && looksLikeZip(head, offset, length)) return 'zip';
  if (formats.tar && looksLikeTar(head, offset, length)) return 'tar';
  return undefined;
}

/** True when a group of small members ends after the header region `src[at, at + length)`: FNV-1a. */
function groupEnds(src: Uint8Array, at: number, length: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = at; i < at + length; i++) hash = Math.imul(hash ^ src[i]!, 0x01000193);
  return hash >>> 28 === 0;
}

const STRATEGY_OF: Record<ChunkingFormat, 'tar-members' | 'zip-members'> = { tar: 'tar-members', zip: 'zip-members' };

/** Cuts one file: detection at the first cut, then region by region (see the module comment). */
export class FormatAwareChunker implements ChunkingStrategy {
  readonly algorithm: string;
  readonly maxSize: number;
  #walker: MemberWalker | undefined;
  #started = false;
  #pos = 0;
  #region: Region = { kind: 'rest', end: 0 };
  #whole = false;
  #groupBelow = 0;
  #explanation: ChunkingExplanation | undefined;

  constructor(
    private readonly generic: ChunkingStrategy,
    private readonly formats: FormatChunkingConfig,
    private readonly minSize: number,
    private readonly name?: string,
  ) {
    this.algorithm = generic.algorithm;
    this.maxSize = generic.maxSize;
  }

  /** How the file was cut: known after the first cut. */
  explain(): ChunkingExplanation {
    const base = this.#explanation ?? { strategy: 'generic' as const, reason: 'the file is empty' };
    const walker = this.#walker;
    if (!walker) return base;
    // A walk that never stopped ran into the end of the file: inside a member, or after one.
    const stop: WalkStop | undefined =
      walker.stop ??
      (this.#pos < this.#region.end
        ? { offset: this.#pos, damaged: true, reason: 'the archive ends inside a member (truncated)' }
        : { offset: this.#pos, damaged: true, reason: `the archive ends without ${base.format === 'zip' ? 'a central directory' : 'an end-of-archive marker'} (truncated)` });
    return { ...base, members: walker.members, stop };
  }

  #start(src: Uint8Array, offset: number, length: number): void {
    this.#started = true;
    const hint = formatHint(this.name);
    const hinted = hint ? { hint } : {};
    if (length <= this.minSize && length < this.maxSize) {
      this.#explanation = { strategy: 'generic', ...hinted, reason: `the file is ${length} bytes, not more than the minimum chunk: one chunk whatever its format` };
      return;
    }
    const format = detectFormat(src, offset, Math.min(length, this.maxSize), this.formats);
    if (!format) {
      const enabled = Object.keys(this.formats).filter((f) => this.formats[f as ChunkingFormat]);
      this.#explanation = {
        strategy: 'generic',
        ...hinted,
        reason: hint
          ? this.formats[hint]
            ? `the name suggests ${hint} but the content does not start like one`
            : `the name suggests ${hint} but this repository does not chunk ${hint} by members`
          : enabled.length > 0
            ? `the content is not ${enabled.join(' or ')}`
            : 'this repository chunks every file generically',
      };
      return;
    }
    this.#walker = format === 'tar' ? new TarWalker() : new ZipWalker();
    this.#groupBelow = this.formats[format]?.groupBelow ?? 0;
    this.#explanation = {
      strategy: STRATEGY_OF[format],
      format,
      ...hinted,
      reason: `the content starts with a ${format === 'tar' ? 'ustar header with a valid checksum' : 'zip local file header'}${hint && hint !== format ? ` (the name suggests ${hint})` : ''}`,
    };
  }

  /** Makes `region`, starting at `start`, the one being cut. */
  #enter(region: Region, start: number): void {
    this.#region = region;
    // A region no longer than the maximum is one chunk; a longer one is cut as the generic strategy
    // cuts its bytes alone.
    this.#whole = region.end - start <= this.maxSize;
  }

  /**
   * At a region start with grouping on: the length of a group of small members (each header region
   * with its data, when the data is at most `groupBelow` bytes), all within the view. A group ends
   * after a member whose header region's hash says so (about one in 16, so groups do not shift when
   * a member before them changes), after the header of a member whose data is not small (or does not
   * fit; the data is cut on its own), and at the end of the members. Returns 0, with the region to cut entered, when no small member starts here.
   */
  #group(walker: MemberWalker, src: Uint8Array, offset: number, view: number, groupBelow: number): number {
    const p = this.#pos;
    let k = 0;
    for (;;) {
      // After the first member, only a member whose header region fits in what is left of the view
      // joins; otherwise the group ends and the next cut looks again with a full view.
      const region = k === 0 ? walker.next(src, offset, view, p) : walker.next(src, offset + k, view - k, p + k, true);
      if (region === undefined) return k;
      const header = region.end - (p + k);
      const data = region.kind === 'header' ? walker.pendingData : 0;
      if (region.kind !== 'header') {
        this.#enter(region, p + k);
        return k;
      }
      if (data > groupBelow || k + header + data > view) {
        // A member that is not small: its header ends the group (a header changes with its data, or
        // with all headers), its data is cut on its own.
        if (k === 0) {
          this.#enter(region, p);
          return 0;
        }
        return k + header;
      }
      const ends = groupEnds(src, offset + k, header);
      if (data > 0) walker.next(src, offset + k + header, view - k - header, p + k + header);
      k += header + data;
      if (ends) return k;
    }
  }

  cut(src: Uint8Array, offset: number, length: number): number {
    if (length === 0) return 0;
    if (!this.#started) this.#start(src, offset, length);
    const walker = this.#walker;
    if (!walker) return this.generic.cut(src, offset, length);
    if (this.#pos >= this.#region.end) {
      const view = Math.min(length, this.maxSize);
      const groupBelow = this.#groupBelow;
      const grouped = groupBelow > 0 ? this.#group(walker, src, offset, view, groupBelow) : 0;
      if (grouped > 0) {
        this.#pos += grouped;
        return grouped;
      }
      if (groupBelow === 0) this.#enter(walker.next(src, offset, view, this.#pos), this.#pos);
    }
    const remaining = this.#region.end - this.#pos;
    const n = this.#whole ? Math.min(remaining, length) : this.generic.cut(src, offset, Math.min(length, remaining));
    this.#pos += n;
    return n;
  }

  chunkData(data: Uint8Array): Uint8Array[] {
    this.#started = false;
    this.#walker = undefined;
    this.#pos = 0;
    this.#region = { kind: 'rest', end: 0 };
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; ) {
      const length = this.cut(data, offset, data.length - offset);
      chunks.push(data.subarray(offset, offset + length));
      offset += length;
    }
    return chunks;
  }
}

/** The chunking of one repository: the strategy for each file. Build once, use for many files. */
export class FileChunking {
  readonly generic: ChunkingStrategy;
  readonly formats: FormatChunkingConfig;
  readonly #minSize: number;
  readonly #enabled: boolean;

  constructor(generic: ChunkingStrategy, formats: FormatChunkingConfig | undefined, minSize: number) {
    this.generic = generic;
    this.formats = formats ?? {};
    this.#minSize = minSize;
    this.#enabled = Object.values(this.formats).some((f) => f !== undefined);
  }

  /**
   * The strategy for one file. The generic one (shared, stateless) when no format is enabled or the
   * file is too small to be cut; else a fresh `FormatAwareChunker` for this file alone.
   */
  forFile(source: ChunkSource = {}): ChunkingStrategy {
    if (!this.#enabled || (source.size !== undefined && source.size <= this.#minSize && source.size < this.generic.maxSize)) return this.generic;
    return new FormatAwareChunker(this.generic, this.formats, this.#minSize, source.name);
  }
}
