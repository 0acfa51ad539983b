/**
 * `strata creative restore-asset <version>:<path> [target]`: restores an asset together with everything
 * it referenced in that version (transitively: a model's material libraries, their textures; a scene's
 * resources) and the side-cars that carry their identities (Unity `.meta`, Godot `.import`/`.uid`),
 * through porcelain's `restore` limited to those paths. Then tells which files of the folder would still
 * reference something missing. (The issue's `strata restore --with-deps` is this command: the porcelain
 * cannot depend on the persona.)
 */
import { resolve } from 'node:path';
import { StrataError, restore, splitVersionPath, type OverwriteMode, type Repository, type RestoreResult } from '../../../porcelain/index.js';
import { RefIndex, type RefEdge } from '../refs/graph.js';
import { SIDECAR_SUFFIXES } from '../refs/rewrite.js';
import { folderGraph, versionGraph } from './refs.js';

export interface RestoreAssetOptions {
  repo: Repository;
  /** `<version>:<path>` of the asset. */
  spec: string;
  /** The folder that stands for the version's root (the working folder). */
  target: string;
  dryRun?: boolean | undefined;
  /** Overwrite changes that were never snapshotted. */
  force?: boolean | undefined;
  overwrite?: OverwriteMode | undefined;
  lockWaitMs?: number | undefined;
}

export interface RestoreAssetResult {
  version: string;
  asset: string;
  /** The paths restored (asset, its dependencies, their side-cars), sorted. */
  paths: string[];
  /** Dependencies the version itself did not have (broken there already). */
  missingInVersion: Array<{ from: string; target: string; to?: string; line?: number }>;
  /** References in the folder that point at something missing once the restore is done. */
  missingAfter: Array<RefEdge & { restored: boolean }>;
  dryRun: boolean;
  restore: Pick<RestoreResult, 'written' | 'created' | 'replaced' | 'skipped' | 'unchanged' | 'bytes' | 'complete' | 'damaged' | 'failed'> & { actions?: RestoreResult['actions'] };
}

/** A gitignore pattern matching exactly one root-relative path. */
export function exactPattern(path: string): string {
  return `/${path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, '\\ ')}`;
}

export async function restoreAsset(options: RestoreAssetOptions): Promise<RestoreAssetResult> {
  const { repo } = options;
  const spec = splitVersionPath(options.spec);
  const asset = spec.parts.join('/');
  if (asset === '') throw new StrataError('USAGE', `${options.spec} names no file: give <version>:<path>, e.g. main:models/ship.obj`);
  const loaded = await versionGraph({ repo, revision: spec.revision, lockWaitMs: options.lockWaitMs });
  const index = new RefIndex(loaded.graph);
  const inVersion = new Set(loaded.graph.files.map((f) => f.path));
  if (!inVersion.has(asset)) {
    throw new StrataError('PATH_NOT_FOUND', `${asset} is not a file in ${spec.revision}`, { hint: `see what it holds with \`strata ls ${spec.revision}\``, data: { revision: spec.revision, path: asset } });
  }
  const deps = index.dependencies(asset);
  const wanted = new Set([asset, ...deps.filter((d) => !d.missing).map((d) => d.path)]);
  for (const p of [...wanted]) for (const s of SIDECAR_SUFFIXES) if (inVersion.has(p + s)) wanted.add(p + s);
  const paths = [...wanted].sort();
  const missingInVersion = [...wanted]
    .flatMap((p) => index.out.get(p) ?? [])
    .filter((e) => !e.sidecar && index.isBroken(e))
    .map((e) => ({ from: e.from, target: e.target, ...(e.to === undefined ? {} : { to: e.to }), ...(e.line === undefined ? {} : { line: e.line }) }));

  // What the folder will reference afterwards: restored files as in the version, the others as they are.
  const target = resolve(options.target);
  const current = await folderGraph({ source: target, repo });
  const after = new RefIndex({
    ...current.graph,
    files: [...current.graph.files, ...paths.filter((p) => !current.graph.files.some((f) => f.path === p)).map((p) => ({ path: p }))],
    sources: [...current.graph.sources.filter((s) => !wanted.has(s.path)), ...loaded.graph.sources.filter((s) => wanted.has(s.path))],
  });
  const missingAfter = [...after.out.values()]
    .flat()
    .filter((e) => after.isBroken(e))
    .map((e) => ({ ...e, restored: wanted.has(e.from) }));

  const r = await restore({
    repo,
    source: spec.revision,
    target,
    include: paths.map(exactPattern),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.overwrite === undefined ? {} : { overwrite: options.overwrite }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
  return {
    version: r.version,
    asset,
    paths,
    missingInVersion,
    missingAfter,
    dryRun: r.dryRun,
    restore: {
      written: r.written,
      created: r.created,
      replaced: r.replaced,
      skipped: r.skipped,
      unchanged: r.unchanged,
      bytes: r.bytes,
      complete: r.complete,
      damaged: r.damaged,
      failed: r.failed,
      ...(r.actions === undefined ? {} : { actions: r.actions }),
    },
  };
}
