import { StrataError } from '../errors/index.js';
import { REF_NAMESPACES } from '../format/ref-name.js';
import type { Repository } from '../store/repository.js';
import { resolveToKind } from './resolve-revision.js';

export interface CommitVersionOptions {
  repo: Repository;
  /** A tree (or a version, whose tree is used). */
  tree: string;
  parents?: string[];
  name?: string;
  description?: string;
  tags?: string[];
  milestone?: boolean;
  meta?: Record<string, string>;
  /** Milliseconds since the epoch; default: the repository clock. */
  time?: number;
  /** Write `refs/versions/<id>` so the version is kept (default true). */
  keep?: boolean;
}

export interface CommitVersionResult {
  id: string;
  tree: string;
  parents: string[];
  time: number;
  /** The ref that keeps the version alive, if written. */
  ref?: string;
}

/** Stores a version object, then (unless `keep` is false) the ref that keeps it: objects before refs. */
export async function commitVersion(options: CommitVersionOptions): Promise<CommitVersionResult> {
  const { repo } = options;
  let tree = await resolveToKind(repo, options.tree, ['tree', 'version']);
  const treeObj = await repo.objects.read(tree);
  if (treeObj.kind === 'version') tree = treeObj.version.tree;
  const parents: string[] = [];
  for (const p of options.parents ?? []) parents.push(await resolveToKind(repo, p, ['version']));
  const time = options.time ?? repo.clock.now();
  if (!Number.isSafeInteger(time)) throw new StrataError('INVALID_ARGUMENT', `time ${time} is not an integer number of milliseconds`);
  const r = await repo.objects.writeVersion({
    tree,
    parents,
    time,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.milestone === undefined ? {} : { milestone: options.milestone }),
    ...(options.meta === undefined ? {} : { meta: options.meta }),
  });
  const result: CommitVersionResult = { id: r.id, tree, parents, time };
  if (options.keep ?? true) {
    const ref = `${REF_NAMESPACES.versions}${r.id}`;
    await repo.refs.update(ref, r.id, { noDeref: true });
    result.ref = ref;
  }
  return result;
}
