/**
 * The visual comparison of one file between two sides: figures and pictures for images and 3D models,
 * a byte-level summary for anything else. A file that cannot be decoded gives a problem for that file,
 * never an exception, so a whole change can still be summarised.
 */
import { join } from 'node:path';
import { isStrataError } from '../../../porcelain/index.js';
import { assetKindOf } from '../core/asset-kind.js';
import { PICTURE_KINDS, type AssetDiff, type AssetStatus, type PictureKind } from '../core/asset-diff.js';
import { decodeImage, type DecodedImage } from '../image/decode.js';
import { diffImages } from '../image/diff.js';
import { encodePng } from '../image/encode.js';
import { renderDiffPictures } from '../image/pictures.js';
import { modelBounds, unionBox } from '../model/model-bounds.js';
import { diffModels } from '../model/model-diff.js';
import { summarizeModel } from '../model/model-summary.js';
import type { Model } from '../model/model.js';
import { parseModel } from '../model/parse-model.js';
import { renderModelOverlay, renderModelViews } from '../model/rasterizer.js';
import type { AssetSide } from './asset-side.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface CompareAssetOptions {
  path: string;
  oldPath?: string | undefined;
  status: AssetStatus;
  /** The side holding the earlier file (absent for an added file). */
  before?: AssetSide | undefined;
  after?: AssetSide | undefined;
  /** Whether the content differs, when the caller knows (a tree diff does); otherwise it is worked out. */
  contentChanged?: boolean | undefined;
  /** Write pictures into this folder, as `<folder>/<path>.<kind>.png`. */
  outDir?: string | undefined;
  /** Perceptual threshold for a changed pixel, 0..1 (YIQ distance; default 0.1). */
  threshold?: number | undefined;
  /** Where the swipe picture splits, 0..1 from the left (default 0.5). */
  swipe?: number | undefined;
  /** The after image's weight in the onion-skin blend, 0..1 (default 0.5). */
  onion?: number | undefined;
  /** The longest side of each written picture, in pixels (default 2048; 0: the compared size). */
  pictureSize?: number | undefined;
  /** The longest side of a decoded image, in pixels (larger ones are downscaled first). */
  maxImageSide?: number | undefined;
  /** Preview size per view, in pixels (models). */
  previewSize?: number | undefined;
}

/** Pictures are written at most this many pixels on a side unless asked otherwise (encoding is the slow part). */
export const DEFAULT_PICTURE_SIZE = 2048;

/** Reads both sides of one file and compares them as what they are. */
export async function compareAsset(options: CompareAssetOptions): Promise<AssetDiff> {
  const { path } = options;
  const beforePath = options.oldPath ?? path;
  const [beforeFile, afterFile] = await Promise.all([options.before?.stat(beforePath), options.after?.stat(path)]);
  const kind = assetKindOf(path);
  const out: AssetDiff = {
    path,
    ...(options.oldPath === undefined || options.oldPath === path ? {} : { oldPath: options.oldPath }),
    status: options.status,
    kind,
    ...(beforeFile ? { before: { ...(beforeFile.id === undefined ? {} : { id: beforeFile.id }), size: beforeFile.size } } : {}),
    ...(afterFile ? { after: { ...(afterFile.id === undefined ? {} : { id: afterFile.id }), size: afterFile.size } } : {}),
    sizeDelta: (afterFile?.size ?? 0) - (beforeFile?.size ?? 0),
    contentChanged: false,
    problems: [],
  };
  const problem = (side: 'before' | 'after', err: unknown): undefined => {
    if (!isStrataError(err)) throw err;
    out.problems.push({ side, code: err.code, message: err.message });
    return undefined;
  };
  if (kind === 'other') {
    // Bytes only: what the tree diff says, or the content ids; the files are not read.
    out.contentChanged = options.contentChanged ?? (beforeFile?.id === undefined || beforeFile.id !== afterFile?.id || beforeFile.size !== afterFile.size);
    return out;
  }
  const load = async (side: 'before' | 'after'): Promise<Buffer | undefined> => {
    const from = side === 'before' ? options.before : options.after;
    if (!from) return undefined;
    try {
      return await from.read(side === 'before' ? beforePath : path);
    } catch (err) {
      return problem(side, err);
    }
  };
  const [a, b] = [await load('before'), await load('after')];
  out.contentChanged = a === undefined || b === undefined ? a !== b : !a.equals(b);
  if (kind === 'image') await compareImages(out, a, b, options, problem);
  else await compareModels(out, a, b, options, problem);
  return out;
}

type ProblemFn = (side: 'before' | 'after', err: unknown) => undefined;

async function compareImages(out: AssetDiff, a: Buffer | undefined, b: Buffer | undefined, options: CompareAssetOptions, problem: ProblemFn): Promise<void> {
  const maxSide = options.maxImageSide ?? 4096;
  const decode = async (side: 'before' | 'after', data: Buffer | undefined, name: string): Promise<DecodedImage | undefined> => {
    if (data === undefined) return undefined;
    try {
      return await decodeImage({ name, data, maxPixels: maxSide * maxSide });
    } catch (err) {
      return problem(side, err);
    }
  };
  const da = await decode('before', a, options.oldPath ?? options.path);
  const db = await decode('after', b, options.path);
  out.image = { ...(da ? { before: da.info } : {}), ...(db ? { after: db.info } : {}) };
  if (!da || !db) return;
  const cmp = diffImages(da, db, { threshold: options.threshold ?? 0.1 });
  out.image.diff = cmp.summary;
  if (options.outDir === undefined) return;
  const size = options.pictureSize ?? DEFAULT_PICTURE_SIZE;
  const pictures = await renderDiffPictures(cmp, { swipe: options.swipe ?? 0.5, onion: options.onion ?? 0.5, ...(size > 0 ? { maxSize: size } : {}) });
  out.pictures = await writePictures(options.outDir, options.path, {
    highlight: pictures.highlight,
    'side-by-side': pictures.sideBySide,
    onion: pictures.onion,
    swipe: pictures.swipe,
  });
}

async function compareModels(out: AssetDiff, a: Buffer | undefined, b: Buffer | undefined, options: CompareAssetOptions, problem: ProblemFn): Promise<void> {
  const parse = async (side: 'before' | 'after', data: Buffer | undefined, name: string): Promise<Model | undefined> => {
    const from = side === 'before' ? options.before : options.after;
    if (data === undefined || !from) return undefined;
    try {
      return await parseModel({ name, data, readRelated: from.related(name) });
    } catch (err) {
      return problem(side, err);
    }
  };
  const ma = await parse('before', a, options.oldPath ?? options.path);
  const mb = await parse('after', b, options.path);
  out.model = { ...(ma ? { before: summarizeModel(ma) } : {}), ...(mb ? { after: summarizeModel(mb) } : {}) };
  if (ma && mb) out.model.diff = diffModels(ma, mb);
  if (options.outDir === undefined || (!ma && !mb)) return;
  const size = options.previewSize ?? 256;
  // Before and after framed alike, so their previews are at one scale and can be laid side by side.
  const box = unionBox(ma ? modelBounds(ma) : undefined, mb ? modelBounds(mb) : undefined);
  const frame = box ? { frame: box } : {};
  const pngs: Partial<Record<PictureKind, Buffer>> = {};
  if (ma) pngs.before = await encodePng(renderModelViews(ma, { size, ...frame }));
  if (mb) pngs.after = await encodePng(renderModelViews(mb, { size, ...frame }));
  if (ma && mb) pngs.overlay = await encodePng(renderModelOverlay(ma, mb, { size }));
  out.pictures = await writePictures(options.outDir, options.path, pngs);
}

/** Writes each picture as `<outDir>/<path>.<kind>.png`, atomically (temporary file, then rename). */
export async function writePictures(outDir: string, path: string, pictures: Partial<Record<PictureKind, Buffer>>): Promise<Partial<Record<PictureKind, string>>> {
  const written: Partial<Record<PictureKind, string>> = {};
  for (const kind of PICTURE_KINDS) {
    const png = pictures[kind];
    if (!png) continue;
    const target = join(outDir, `${path}.${kind}.png`);
    await writeFileAtomic(target, png);
    written[kind] = target;
  }
  return written;
}
