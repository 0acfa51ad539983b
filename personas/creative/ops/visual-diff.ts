/**
 * `strata creative diff`: every changed file between two versions (or a version and the working
 * folder), compared as what it is: images and 3D models with figures and pictures, other files by
 * their bytes.
 */
import { diffVersions, diffWorkingFolder, StrataError, type DiffEntry, type Repository } from '../../../porcelain/index.js';
import { assetKindOf } from '../core/asset-kind.js';
import { summarizeAssets, type AssetTotals } from '../core/asset-totals.js';
import { AssetSide } from './asset-side.js';
import type { AssetDiff, AssetStatus } from '../core/asset-diff.js';
import { compareAsset, type CompareAssetOptions } from './compare-asset.js';

export type PictureOptions = Pick<CompareAssetOptions, 'outDir' | 'threshold' | 'swipe' | 'onion' | 'maxImageSide' | 'previewSize' | 'pictureSize'>;

export interface CreativeDiffOptions extends PictureOptions {
  repo: Repository;
  /** The earlier version (any revision). */
  from: string;
  /** The later version; absent: the working folder. */
  to?: string | undefined;
  /** With no `to`: the folder (default: the one the version was taken from). */
  source?: string | undefined;
  /** Only these paths (files or folders, `/`-separated). */
  paths?: string[] | undefined;
  /** Only images and models (leave other files out of the result). */
  assetsOnly?: boolean | undefined;
  /** Called after each file is compared. */
  onAsset?: ((done: number, total: number, asset: AssetDiff) => void) | undefined;
}

export interface CreativeDiffResult {
  from: { revision: string; id: string };
  to: { revision: string; id: string } | { folder: string };
  assets: AssetDiff[];
  totals: AssetTotals;
}

const FILE_TYPES = new Set(['file', 'executable']);

/** Compares two versions, or a version and a folder, file by file (one at a time: memory stays bounded). */
export async function creativeDiff(options: CreativeDiffOptions): Promise<CreativeDiffResult> {
  const { repo } = options;
  let entries: DiffEntry[];
  let fromId: string;
  let before: AssetSide;
  let after: AssetSide;
  let to: CreativeDiffResult['to'];
  if (options.to !== undefined) {
    const d = await diffVersions({ repo, from: options.from, to: options.to, ...(options.paths ? { paths: options.paths } : {}) });
    entries = d.entries;
    fromId = d.from.id;
    before = new AssetSide(repo, { kind: 'version', revision: options.from, id: d.from.id });
    after = new AssetSide(repo, { kind: 'version', revision: options.to, id: d.to.id });
    to = { revision: options.to, id: d.to.id };
  } else {
    const d = await diffWorkingFolder({ repo, version: options.from, ...(options.source ? { source: options.source } : {}), ...(options.paths ? { paths: options.paths } : {}) });
    entries = d.entries;
    fromId = d.from.id;
    before = new AssetSide(repo, { kind: 'version', revision: options.from, id: d.from.id });
    after = new AssetSide(repo, { kind: 'folder', root: d.source });
    to = { folder: d.source };
  }
  const jobs = entries.flatMap((e) => toJob(e)).filter((j) => !options.assetsOnly || j.isAsset);
  const assets: AssetDiff[] = [];
  for (const job of jobs) {
    const asset = await compareAsset({
      ...pictureOptions(options),
      path: job.path,
      oldPath: job.oldPath,
      status: job.status,
      contentChanged: job.contentChanged,
      ...(job.hasBefore ? { before } : {}),
      ...(job.hasAfter ? { after } : {}),
    });
    assets.push(asset);
    options.onAsset?.(assets.length, jobs.length, asset);
  }
  return { from: { revision: options.from, id: fromId }, to, assets, totals: summarizeAssets(assets) };
}

export function pictureOptions(options: PictureOptions): PictureOptions {
  const out: PictureOptions = {};
  if (options.outDir !== undefined) out.outDir = options.outDir;
  if (options.threshold !== undefined) out.threshold = options.threshold;
  if (options.swipe !== undefined) out.swipe = options.swipe;
  if (options.onion !== undefined) out.onion = options.onion;
  if (options.maxImageSide !== undefined) out.maxImageSide = options.maxImageSide;
  if (options.previewSize !== undefined) out.previewSize = options.previewSize;
  if (options.pictureSize !== undefined) out.pictureSize = options.pictureSize;
  for (const [name, value] of [['threshold', out.threshold], ['swipe', out.swipe], ['onion', out.onion]] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) throw new StrataError('INVALID_ARGUMENT', `${name} is a number from 0 to 1, not ${value}`);
  }
  return out;
}

interface Job {
  path: string;
  oldPath?: string;
  status: AssetStatus;
  hasBefore: boolean;
  hasAfter: boolean;
  contentChanged: boolean;
  isAsset: boolean;
}

/** The file comparisons a tree-diff entry stands for (a type change is a deletion and an addition). */
function toJob(e: DiffEntry): Job[] {
  const wasFile = e.oldType !== undefined && FILE_TYPES.has(e.oldType);
  const isFile = e.newType !== undefined && FILE_TYPES.has(e.newType);
  const isAsset = assetKindOf(e.path) !== 'other';
  if (e.status === 'type-changed') {
    const jobs: Job[] = [];
    if (wasFile) jobs.push({ path: e.path, status: 'deleted', hasBefore: true, hasAfter: false, contentChanged: true, isAsset });
    if (isFile) jobs.push({ path: e.path, status: 'added', hasBefore: false, hasAfter: true, contentChanged: true, isAsset });
    return jobs;
  }
  if (!wasFile && !isFile) return [];
  return [
    {
      path: e.path,
      ...(e.oldPath === undefined ? {} : { oldPath: e.oldPath }),
      status: e.status,
      hasBefore: wasFile,
      hasAfter: isFile,
      contentChanged: e.status === 'renamed' ? e.oldId !== e.newId : e.contentChanged ?? e.status !== 'modified',
      isAsset,
    },
  ];
}
