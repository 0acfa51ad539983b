/** `strata creative compare <path> <a> [<b>]`: the visual diff of one file between two points. */
import { StrataError, resolveVersion, type Repository } from '../../../porcelain/index.js';
import type { AssetDiff, AssetStatus } from '../core/asset-diff.js';
import { AssetSide } from './asset-side.js';
import { compareAsset } from './compare-asset.js';
import { pictureOptions, type PictureOptions } from './visual-diff.js';

export interface CompareFileOptions extends PictureOptions {
  repo: Repository;
  /** The file, `/`-separated from the version's root. */
  path: string;
  /** The earlier version (any revision). */
  a: string;
  /** The later version; absent: the file in the working folder. */
  b?: string | undefined;
  /** With no `b`: the folder (default: the one version `a` was taken from). */
  source?: string | undefined;
}

/** Compares one file between two versions (or a version and the folder), even when it did not change. */
export async function compareFile(options: CompareFileOptions): Promise<AssetDiff> {
  const { repo } = options;
  const path = options.path.replace(/^\/+|\/+$/g, '');
  if (path === '') throw new StrataError('INVALID_ARGUMENT', 'give the path of a file');
  const a = await resolveVersion(repo, options.a);
  const before = new AssetSide(repo, { kind: 'version', revision: options.a, id: a.id });
  let after: AssetSide;
  if (options.b !== undefined) {
    const b = await resolveVersion(repo, options.b);
    after = new AssetSide(repo, { kind: 'version', revision: options.b, id: b.id });
  } else {
    const root = options.source ?? a.meta.source;
    if (root === undefined) throw new StrataError('USAGE', `${options.a} records no source folder: give the second version, or --source <dir>`);
    after = new AssetSide(repo, { kind: 'folder', root });
  }
  const [x, y] = await Promise.all([before.stat(path), after.stat(path)]);
  for (const [file, side] of [[x, before], [y, after]] as const) {
    if (file && file.type !== 'file') throw new StrataError('WRONG_KIND', `"${path}" is a ${file.type} in ${side.label}, not a file`, { data: { path } });
  }
  if (!x && !y) throw new StrataError('PATH_NOT_FOUND', `"${path}" is in neither ${before.label} nor ${after.label}`, { data: { path } });
  const status: AssetStatus = !x ? 'added' : !y ? 'deleted' : x.id !== undefined && x.id === y.id ? 'unchanged' : 'modified';
  const diff = await compareAsset({
    ...pictureOptions(options),
    path,
    status,
    ...(x ? { before } : {}),
    ...(y ? { after } : {}),
  });
  if (status === 'modified' && !diff.contentChanged) diff.status = 'unchanged';
  return diff;
}
