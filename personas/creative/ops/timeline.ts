/**
 * `strata creative timeline <path>`: every version in which one file changed, with sizes, how much it
 * changed visually each time, and thumbnails (made once, kept in the repository).
 */
import { StrataError, isStrataError, log, type Repository } from '../../../porcelain/index.js';
import { assetKindOf, type AssetKind } from '../core/asset-kind.js';
import { buildTimeline, type ChangeMagnitude, type TimelineEntry, type TimelinePoint } from '../core/timeline.js';
import { decodeImage, type DecodedImage } from '../image/decode.js';
import { diffImages } from '../image/diff.js';
import { diffModels } from '../model/model-diff.js';
import type { Model } from '../model/model.js';
import { parseModel } from '../model/parse-model.js';
import { AssetSide } from './asset-side.js';
import { ensureThumbnails, type ThumbnailFailure } from './thumbnails.js';

export interface TimelineOptions {
  repo: Repository;
  /** The file, `/`-separated from the version's root. */
  path: string;
  /** The branch whose history is walked (default: the current one). */
  branch?: string | undefined;
  /** Every version in the repository instead of one branch. */
  all?: boolean | undefined;
  /** At most this many of the newest changes. */
  limit?: number | undefined;
  /** Make (or find) thumbnails (default true). */
  thumbnails?: boolean | undefined;
  /** Perceptual threshold for a changed pixel, 0..1 (default 0.1). */
  threshold?: number | undefined;
  /** Images are compared at most this many pixels on a side (default 1024: quick, and enough to rank changes). */
  maxImageSide?: number | undefined;
  onProgress?: ((stage: 'figures' | 'thumbnails', done: number, total: number) => void) | undefined;
}

export interface TimelineResult {
  path: string;
  kind: AssetKind;
  /** The branch walked (a ref); absent with `all`. */
  branch?: string;
  /** Oldest first. */
  entries: TimelineEntry[];
  /** Thumbnails made now and found in the repository. */
  thumbnailsMade: number;
  thumbnailsReused: number;
  /** Versions of the file that could not be thumbnailed. */
  thumbnailFailures: ThumbnailFailure[];
}

/** Builds the timeline of one file. */
export async function timeline(options: TimelineOptions): Promise<TimelineResult> {
  const { repo, path } = options;
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (clean === '') throw new StrataError('INVALID_ARGUMENT', 'give the path of a file');
  const history = await log({
    repo,
    path: clean,
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    ...(options.all ? { all: true } : {}),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  if (history.entries.length === 0) {
    throw new StrataError('PATH_NOT_FOUND', `no version records "${clean}"`, { hint: 'check the path with `strata find` or `strata ls -r`', data: { path: clean } });
  }
  const kind = assetKindOf(clean);
  // Oldest first, so each version is decoded once and compared with the one before it.
  const versions = [...history.entries].reverse();
  const points: TimelinePoint[] = [];
  let previous: DecodedImage | Model | undefined;
  let done = 0;
  for (const v of versions) {
    const side = new AssetSide(repo, { kind: 'version', revision: v.id, id: v.id });
    const file = await side.stat(clean);
    if (file && file.type === 'directory') {
      throw new StrataError('WRONG_KIND', `"${clean}" is a folder in ${v.id.slice(0, 12)}: a timeline follows one file`, { hint: 'see a folder\'s changes with `strata log --path`' });
    }
    const point: TimelinePoint = {
      version: v.id,
      time: v.time,
      name: v.name,
      description: v.description,
      tags: [...new Set([...v.tags, ...v.tagRefs])],
      milestone: v.milestone,
      ...(file && file.type === 'file' && file.id !== undefined ? { file: { id: file.id, size: file.size } } : {}),
    };
    if (point.file && kind !== 'other') {
      try {
        const current = await load(side, clean, kind, options.maxImageSide ?? 1024);
        if (previous !== undefined) point.magnitude = magnitude(previous, current, options.threshold ?? 0.1);
        previous = current;
      } catch (err) {
        if (!isStrataError(err)) throw err;
        point.problem = { code: err.code, message: err.message };
        previous = undefined;
      }
    } else if (!point.file) {
      previous = undefined;
    }
    points.push(point);
    options.onProgress?.('figures', ++done, versions.length);
  }

  let made = 0;
  let reused = 0;
  let failures: ThumbnailFailure[] = [];
  if ((options.thumbnails ?? true) && kind !== 'other') {
    // Each version of the file is read from the version that holds it (a model's related files differ).
    const sources = points.flatMap((p) =>
      p.file && !p.problem ? [{ path: clean, id: p.file.id, size: p.file.size, side: new AssetSide(repo, { kind: 'version', revision: p.version, id: p.version }) }] : [],
    );
    const r = await ensureThumbnails(repo, sources, { onThumbnail: (d, t) => options.onProgress?.('thumbnails', d, t) });
    made = r.made;
    reused = r.reused;
    failures = r.failed;
    const ids = r.ids;
    for (const p of points) {
      const id = p.file ? ids.get(p.file.id) : undefined;
      if (id !== undefined) p.thumbnail = id;
    }
  }
  return {
    path: clean,
    kind,
    ...(history.branch === undefined ? {} : { branch: history.branch }),
    entries: buildTimeline(points),
    thumbnailsMade: made,
    thumbnailsReused: reused,
    thumbnailFailures: failures,
  };
}

async function load(side: AssetSide, path: string, kind: AssetKind, maxSide: number): Promise<DecodedImage | Model> {
  const data = await side.read(path);
  if (data === undefined) throw new StrataError('PATH_NOT_FOUND', `${path} is not a file in ${side.label}`);
  if (kind === 'image') return decodeImage({ name: path, data, maxPixels: maxSide * maxSide });
  return parseModel({ name: path, data, readRelated: side.related(path) });
}

function isDecodedImage(x: DecodedImage | Model): x is DecodedImage {
  return 'raster' in x;
}

function magnitude(before: DecodedImage | Model, after: DecodedImage | Model, threshold: number): ChangeMagnitude | undefined {
  if (isDecodedImage(before) && isDecodedImage(after)) {
    const d = diffImages(before, after, { threshold }).summary;
    return { kind: 'image', changedPixels: d.changedPixels, changedPercent: d.changedPercent, ssim: d.ssim, resized: d.compared.alignment !== 'same' };
  }
  if (!isDecodedImage(before) && !isDecodedImage(after)) {
    const d = diffModels(before, after);
    return {
      kind: 'model',
      verticesDelta: d.counts.vertices.delta,
      facesDelta: d.counts.faces.delta,
      trianglesDelta: d.counts.triangles.delta,
      centroidDistance: d.centroid.distance,
      sizeDelta: d.bounds.sizeDelta,
      maxDisplacement: d.displacement?.max ?? null,
      meanDisplacement: d.displacement?.mean ?? null,
    };
  }
  return undefined;
}
