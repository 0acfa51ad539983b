/**
 * Thumbnails of images and models, stored in the repository as derived data keyed by the content id
 * of their source (`refs/derived/creative/thumbnails-256`): each is made once, travels with the
 * repository, is reused by every later version and timeline, and is dropped by gc with its source.
 */
import { StrataError, isStrataError, listVersionPath, loadDerivedIndex, mapLimit, putDerived, readDerived, splitVersionPath, resolveVersionPath, type Repository } from '../../../porcelain/index.js';
import { assetKindOf } from '../core/asset-kind.js';
import { encodePng } from '../image/encode.js';
import { imageThumbnail } from '../image/thumbnail.js';
import { parseModel } from '../model/parse-model.js';
import { renderModelThumbnail } from '../model/rasterizer.js';
import { AssetSide } from './asset-side.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 256;
export const THUMBNAIL_NAMESPACE = `creative/thumbnails-${THUMBNAIL_SIZE}`;

/** A file to make a thumbnail of: its path (for its format and related files), content id and where to read it. */
export interface ThumbnailSource {
  path: string;
  id: string;
  size: number;
  side: AssetSide;
}

export interface ThumbnailFailure {
  path: string;
  code: string;
  message: string;
}

export interface EnsureThumbnailsResult {
  /** Thumbnail PNGs by source content id (sources that failed are absent). */
  pngs: Map<string, Buffer>;
  /** Thumbnail blob ids by source content id. */
  ids: Map<string, string>;
  made: number;
  reused: number;
  failed: ThumbnailFailure[];
}

/**
 * The thumbnails of these sources, from the repository where made before, made and stored otherwise
 * (in batches, so an interrupted run keeps what it made).
 */
export async function ensureThumbnails(
  repo: Repository,
  sources: readonly ThumbnailSource[],
  options: { concurrency?: number; onThumbnail?: (done: number, total: number) => void; lockWaitMs?: number } = {},
): Promise<EnsureThumbnailsResult> {
  const unique = [...new Map(sources.map((s) => [s.id, s])).values()];
  let index = await loadDerivedIndex(repo, THUMBNAIL_NAMESPACE);
  const pngs = await readDerived(repo, index, unique.map((s) => s.id));
  const reused = pngs.size;
  const missing = unique.filter((s) => !pngs.has(s.id));
  const failed: ThumbnailFailure[] = [];
  let pending: Array<{ source: string; data: Buffer }> = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    await putDerived({ repo, namespace: THUMBNAIL_NAMESPACE, items, lockWaitMs: options.lockWaitMs ?? 10_000 });
  };
  let done = reused;
  options.onThumbnail?.(done, unique.length);
  await mapLimit(missing, options.concurrency ?? 2, async (source) => {
    try {
      const png = await makeThumbnail(source);
      pngs.set(source.id, png);
      pending.push({ source: source.id, data: png });
      if (pending.length >= 64) await flush();
    } catch (err) {
      if (!isStrataError(err)) throw err;
      failed.push({ path: source.path, code: err.code, message: err.message });
    }
    options.onThumbnail?.(++done, unique.length);
  });
  await flush();
  index = await loadDerivedIndex(repo, THUMBNAIL_NAMESPACE);
  const ids = new Map<string, string>();
  for (const s of unique) {
    const entry = index.entries.get(s.id);
    if (entry && pngs.has(s.id)) ids.set(s.id, entry.id);
  }
  return { pngs, ids, made: pngs.size - reused, reused, failed };
}

/** Makes one thumbnail: images by shrink-on-load decoding, models through the software rasterizer. */
export async function makeThumbnail(source: ThumbnailSource): Promise<Buffer> {
  const { side } = source;
  const kind = assetKindOf(source.path);
  if (kind === 'other') throw new StrataError('ASSET_UNSUPPORTED', `${source.path} is neither an image nor a 3D model`);
  const data = await side.read(source.path);
  if (data === undefined) throw new StrataError('PATH_NOT_FOUND', `${source.path} is not a file in ${side.label}`);
  if (kind === 'image') return (await imageThumbnail({ name: source.path, data, maxSize: THUMBNAIL_SIZE })).png;
  const model = await parseModel({ name: source.path, data, readRelated: side.related(source.path) });
  return encodePng(renderModelThumbnail(model, THUMBNAIL_SIZE));
}

export interface ThumbnailsOptions {
  repo: Repository;
  /** The version (any revision; default HEAD), optionally `<version>:<folder>`. */
  version?: string | undefined;
  /** Threads decoding at once (default 2). */
  concurrency?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  lockWaitMs?: number | undefined;
}

export interface ThumbnailEntry {
  path: string;
  /** The source's content id. */
  source: string;
  /** The thumbnail's blob id (`strata cat-file blob <id>` prints the PNG). */
  thumbnail: string;
}

export interface ThumbnailsResult {
  version: string;
  /** Images and models in the version (or folder). */
  assets: number;
  /** Distinct contents among them (a file stored twice has one thumbnail). */
  sources: number;
  made: number;
  reused: number;
  entries: ThumbnailEntry[];
  failed: ThumbnailFailure[];
}

/** Makes (or finds) the thumbnail of every image and model in a version. */
export async function thumbnails(options: ThumbnailsOptions): Promise<ThumbnailsResult> {
  const { repo } = options;
  const listing = await listVersionPath({ repo, revision: options.version ?? 'HEAD', recursive: true });
  const side = new AssetSide(repo, { kind: 'version', revision: options.version ?? 'HEAD', id: listing.version });
  const prefix = listing.path === '' ? '' : `${listing.path}/`;
  const sources: ThumbnailSource[] = listing.entries
    .filter((e) => (e.type === 'file' || e.type === 'executable') && e.rawPath === undefined && assetKindOf(e.path) !== 'other')
    .map((e) => ({ path: `${prefix}${e.path}`, id: e.id, size: e.size ?? 0, side }));
  const r = await ensureThumbnails(repo, sources, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onProgress === undefined ? {} : { onThumbnail: options.onProgress }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
  const entries = sources.flatMap((s) => {
    const thumbnail = r.ids.get(s.id);
    return thumbnail === undefined ? [] : [{ path: s.path, source: s.id, thumbnail }];
  });
  return { version: listing.version, assets: sources.length, sources: new Set(sources.map((s) => s.id)).size, made: r.made, reused: r.reused, entries, failed: r.failed };
}

export interface ThumbOptions {
  repo: Repository;
  /** `<version>:<path>` of an image or model. */
  spec: string;
  /** Where to write the PNG. */
  out: string;
  lockWaitMs?: number | undefined;
}

export interface ThumbResult {
  version: string;
  path: string;
  source: string;
  thumbnail: string;
  /** Whether it was made now (false: found in the repository). */
  made: boolean;
  out: string;
  bytes: number;
}

/** The thumbnail of one file of a version, written to `out` (made and stored once). */
export async function thumb(options: ThumbOptions): Promise<ThumbResult> {
  const { repo } = options;
  const spec = splitVersionPath(options.spec);
  if (spec.parts.length === 0) throw new StrataError('INVALID_ARGUMENT', `"${options.spec}" names a whole version: give <version>:<path>`);
  const resolved = await resolveVersionPath(repo, spec);
  const entry = resolved.entries[resolved.entries.length - 1];
  if (!entry || (entry.type !== 'file' && entry.type !== 'executable')) {
    throw new StrataError('WRONG_KIND', `"${resolved.path}" in ${spec.revision} is not a file`, { data: { path: resolved.path } });
  }
  if (assetKindOf(resolved.path) === 'other') {
    throw new StrataError('ASSET_UNSUPPORTED', `${resolved.path} is neither an image nor a 3D model that strata can read`, {
      hint: 'images: PNG, JPEG, GIF, WebP, TIFF, PSD, SVG, AVIF; models: OBJ, STL, PLY, glTF, GLB',
    });
  }
  const side = new AssetSide(repo, { kind: 'version', revision: spec.revision, id: resolved.version });
  const r = await ensureThumbnails(repo, [{ path: resolved.path, id: entry.id, size: entry.size ?? 0, side }], {
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
  const failure = r.failed[0];
  if (failure) throw new StrataError(failure.code, failure.message, { data: { path: resolved.path } });
  const png = r.pngs.get(entry.id) as Buffer;
  await writeFileAtomic(options.out, png);
  return { version: resolved.version, path: resolved.path, source: entry.id, thumbnail: r.ids.get(entry.id) as string, made: r.made > 0, out: options.out, bytes: png.length };
}
