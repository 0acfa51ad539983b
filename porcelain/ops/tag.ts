import { REF_NAMESPACES, StrataError, type Repository } from '../../plumbing/index.js';
import { namedRef, pointNamedRef } from './named-ref.js';

export interface CreateTagOptions {
  repo: Repository;
  /** The tag's name: `refs/tags/<name>` is created. */
  name: string;
  /** The version to tag (any revision; default `HEAD`). */
  version?: string;
  /** Move the tag when it exists already (otherwise TAG_EXISTS). */
  force?: boolean;
  /** How long to wait for a repository lock held by gc, ms (default 0). */
  lockWaitMs?: number;
}

export interface CreateTagResult {
  name: string;
  ref: string;
  /** The version tagged. */
  id: string;
  /** With `force`, the version the tag named before (absent when it did not exist). */
  previous?: string;
}

/**
 * Names a version with a tag ref (`refs/tags/<name>`). Tag refs can be added and moved at any time;
 * the labels recorded inside a version (`snapshot --tag`) are part of it and never change. A tagged
 * version is kept by its tag as well as by its own ref.
 */
export async function createTag(options: CreateTagOptions): Promise<CreateTagResult> {
  return pointNamedRef({ ...options, namespace: REF_NAMESPACES.tags, kind: 'tag', existsCode: 'TAG_EXISTS' });
}

export interface DeleteTagOptions {
  repo: Repository;
  name: string;
}

export interface DeleteTagResult {
  name: string;
  ref: string;
  /** What the tag named. */
  id: string;
}

/** Deletes a tag ref. The version stays (its own ref keeps it) unless retention forgets it later. */
export async function deleteTag(options: DeleteTagOptions): Promise<DeleteTagResult> {
  const { repo } = options;
  const ref = namedRef(REF_NAMESPACES.tags, options.name, 'tag');
  const current = await repo.refs.readValue(ref);
  if (current === undefined) {
    throw new StrataError('UNKNOWN_TAG', `there is no tag ${options.name}`, { hint: 'list tags with `strata tag --list`', data: { name: options.name } });
  }
  if (current.kind !== 'direct') {
    throw new StrataError('INVALID_ARGUMENT', `the tag ${options.name} is a symbolic ref to ${current.target}; remove it with \`strata update-ref -d --no-deref\``);
  }
  await repo.refs.delete(ref, { expected: current.id });
  return { name: options.name, ref, id: current.id };
}

export interface ListTagsOptions {
  repo: Repository;
}

export interface TagInfo {
  name: string;
  ref: string;
  id: string;
  /** The kind of object it names (a version, normally). */
  kind: 'version' | 'tree' | 'blob' | 'chunks' | 'missing';
  /** For a version: when it was made, and its name. */
  time?: number;
  versionName?: string;
}

/** Every tag ref, sorted by name, with the version it names. */
export async function listTags(options: ListTagsOptions): Promise<TagInfo[]> {
  const { repo } = options;
  const out: TagInfo[] = [];
  for (const ref of await repo.refs.list(REF_NAMESPACES.tags)) {
    const resolved = await repo.refs.resolve(ref);
    if (resolved?.id === undefined) continue;
    const info: TagInfo = { name: ref.slice(REF_NAMESPACES.tags.length), ref, id: resolved.id, kind: 'missing' };
    if (await repo.objects.has(resolved.id)) {
      const header = await repo.objects.readHeader(resolved.id);
      info.kind = header.kind;
      if (header.kind === 'version') {
        const v = await repo.objects.readVersion(resolved.id);
        info.time = v.time;
        info.versionName = v.name;
      }
    }
    out.push(info);
  }
  return out;
}
