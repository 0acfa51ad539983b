/** The result of comparing one file visually (see ops/compare-asset.ts). */
import type { ImageInfo } from '../image/decode.js';
import type { ImageDiff } from '../image/diff.js';
import type { ModelDiff } from '../model/model-diff.js';
import type { ModelSummary } from '../model/model-summary.js';
import type { AssetKind } from './asset-kind.js';

export type AssetStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'unchanged';

/** The pictures a comparison can write: images get the first four, models the last three. */
export const PICTURE_KINDS = ['highlight', 'side-by-side', 'onion', 'swipe', 'before', 'after', 'overlay'] as const;
export type PictureKind = (typeof PICTURE_KINDS)[number];

export interface AssetProblem {
  /** Which side could not be read or decoded. */
  side: 'before' | 'after';
  code: string;
  message: string;
}

export interface AssetDiff {
  /** The path (for a rename, the new one). */
  path: string;
  oldPath?: string;
  status: AssetStatus;
  kind: AssetKind;
  before?: { id?: string; size: number };
  after?: { id?: string; size: number };
  /** after - before, in bytes (a side that is absent counts 0). */
  sizeDelta: number;
  /** Whether the bytes differ (for files on disk, by content). */
  contentChanged: boolean;
  image?: { before?: ImageInfo; after?: ImageInfo; diff?: ImageDiff };
  model?: { before?: ModelSummary; after?: ModelSummary; diff?: ModelDiff };
  /** Pictures written (with an output folder), by kind: their paths. */
  pictures?: Partial<Record<PictureKind, string>>;
  /** Files that could not be decoded; the figures that do not need them are still given. */
  problems: AssetProblem[];
}

