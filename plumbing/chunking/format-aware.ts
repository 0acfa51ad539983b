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
    return this.#walker ? { ...base, members: this.#walker.members, ...(this.#walker.stop ? { stop: this.#walker.stop } : {}) } : base;
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
    this.#explanation = {
      strategy: STRATEGY_OF[format],
      format,
      ...hinted,
      reason: `the content starts with a ${format === 'tar' ? 'ustar header with a valid checksum' : 'zip local file header'}${hint && hint !== format ? ` (the name suggests ${hint})` : ''}`,
    };
  }

  cut(src: Uint8Array, offset: number, length: number): number {
    if (length === 0) return 0;
    if (!this.#started) this.#start(src, offset, length);
    const walker = this.#walker;
    if (!walker) return this.generic.cut(src, offset, length);
    while (this.#pos >= this.#region.end) {
      this.#region = walker.next(src, offset, Math.min(length, this.maxSize), this.#pos);
      // A region no longer than the maximum is one chunk; a longer one is cut as the generic strategy
      // cuts its bytes alone.
      this.#whole = this.#region.end - this.#pos <= this.maxSize;
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
