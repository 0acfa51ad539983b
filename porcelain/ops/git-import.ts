/**
 * `strata git import`: turns a git history into versions. Every commit reachable from a ref (default
 * HEAD) that this strata repository does not have yet becomes a version (its tree, its author time,
 * its message as name and description, its parents; the commit's id and identities in `meta`), then
 * the strata branch moves to the newest, the git tags naming imported commits become strata tags, and
 * last the mapping shared with `git export` records the pairs, so the next import only adds new commits.
 */
import * as fs from 'node:fs';
import { isomorphicGit } from '../git/isomorphic-git.js';
import { REF_NAMESPACES, StrataError, commitVersion, withRepoLock, type Repository } from '../../plumbing/index.js';
import { branchRef, shortBranch } from './version-list.js';
import { GIT_ID, parseIdentLine, splitCommitMessage } from '../git/git-format.js';
import { openGitRepository, readGitRef, requireCleanWorktree } from '../git/git-repository.js';
import { loadGitMapping, saveGitMapping } from '../git/mapping.js';
import { TreeImporter } from '../git/tree-import.js';

export interface GitImportProgress {
  /** Commits imported so far, of `total`. */
  commits: number;
  total: number;
}

export interface GitImportOptions {
  repo: Repository;
  /** The git repository: its work tree (holding `.git`) or its folder when bare. */
  gitDir: string;
  /** The git ref or commit to import (default HEAD): `main`, `refs/heads/main`, `v1.0`, an id. */
  ref?: string;
  /** The strata branch to move to the newest imported version (default: HEAD's). */
  branch?: string;
  /** Move a strata branch or tag that names a version this git repository did not give (default: refuse). */
  force?: boolean;
  lockWaitMs?: number;
  onProgress?: (p: GitImportProgress) => void;
}

export interface GitImportTag {
  /** The strata tag (`refs/tags/v1`). */
  ref: string;
  version: string;
  commit: string;
  status: 'created' | 'moved' | 'unchanged';
}

export interface GitImportResult {
  gitdir: string;
  /** The commit imported up to, and the strata branch that names its version now. */
  commit: string;
  version: string;
  branch: string;
  branchUpdated: boolean;
  /** Commits made into versions in this run, oldest first, and how many were there before. */
  versions: Array<{ commit: string; version: string }>;
  alreadyImported: number;
  tags: GitImportTag[];
  lfsResolved: number;
  lfsMissing: string[];
  skipped: Array<{ path: string; reason: string }>;
}

interface ParsedCommit {
  oid: string;
  tree: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
}

function parseCommit(oid: string, body: Uint8Array): ParsedCommit {
  const text = Buffer.from(body).toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const out: ParsedCommit = { oid, tree: '', parents: [], author: '', committer: '', message: split < 0 ? '' : text.slice(split + 2) };
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) out.tree = line.slice(5);
    else if (line.startsWith('parent ')) out.parents.push(line.slice(7));
    else if (line.startsWith('author ')) out.author = line.slice(7);
    else if (line.startsWith('committer ')) out.committer = line.slice(10);
  }
  if (!GIT_ID.test(out.tree)) throw new StrataError('INVALID_OBJECT', `git commit ${oid} has no tree`, { data: { commit: oid } });
  return out;
}

export async function gitImport(options: GitImportOptions): Promise<GitImportResult> {
  const { repo } = options;
  const g = await openGitRepository(options.gitDir);
  await requireCleanWorktree(g, 'importing would leave them out');
  const importer = new TreeImporter(repo, g.gitdir);
  const cache = importer.cache;
  const wanted = options.ref ?? 'HEAD';
  let tip: string;
  try {
    tip = GIT_ID.test(wanted) ? wanted : await (await isomorphicGit()).resolveRef({ fs, gitdir: g.gitdir, ref: wanted });
    const obj = await (await isomorphicGit()).readObject({ fs, gitdir: g.gitdir, oid: tip, format: 'parsed', cache });
    if (obj.type === 'tag') tip = (await (await isomorphicGit()).readTag({ fs, gitdir: g.gitdir, oid: tip, cache })).tag.object;
  } catch (err) {
    if ((err as { code?: string }).code !== 'NotFoundError') throw err;
    throw new StrataError('UNKNOWN_REVISION', `the git repository ${g.gitdir} has no ${wanted}${wanted === 'HEAD' ? ' (no commits yet)' : ''}`, { data: { ref: wanted } });
  }
  return withRepoLock({ repo, kind: 'shared', command: 'git import', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const mapping = await loadGitMapping(repo, g.gitdir);
    const known = async (commit: string): Promise<string | undefined> => {
      const v = mapping.commitToVersion.get(commit);
      return v !== undefined && (await repo.objects.has(v)) ? v : undefined;
    };
    // Commits to import, parents first (depth-first, iterative: histories can be long).
    const order: ParsedCommit[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const boundary = new Set<string>();
    const stack: Array<{ c: ParsedCommit; next: number }> = [];
    const enter = async (oid: string): Promise<void> => {
      if (state.has(oid)) return;
      if ((await known(oid)) !== undefined) {
        boundary.add(oid);
        state.set(oid, 'done');
        return;
      }
      state.set(oid, 'open');
      const obj = await (await isomorphicGit()).readObject({ fs, gitdir: g.gitdir, oid, format: 'content', cache });
      if (obj.type !== 'commit') throw new StrataError('WRONG_KIND', `git object ${oid} is a ${obj.type}, not a commit`, { data: { oid } });
      stack.push({ c: parseCommit(oid, obj.object as Uint8Array), next: 0 });
    };
    await enter(tip);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { c: ParsedCommit; next: number };
      if (top.next < top.c.parents.length) {
        await enter(top.c.parents[top.next++] as string);
        continue;
      }
      stack.pop();
      state.set(top.c.oid, 'done');
      order.push(top.c);
    }

    // Check the refs this run will move before writing anything.
    const ref = await branchRef(repo, options.branch);
    const branchBefore = (await repo.refs.resolve(ref))?.id;
    // From this repository: mapped, or (a run stopped after moving the branch, before the mapping) a
    // version made from one of the commits this run imports.
    const fromHere = async (id: string): Promise<boolean> => {
      if (mapping.versionToCommit.has(id)) return true;
      const made = (await repo.objects.has(id)) ? (await repo.objects.readVersion(id)).meta['git.commit'] : undefined;
      return made !== undefined && order.some((c) => c.oid === made);
    };
    if (branchBefore !== undefined && !(await fromHere(branchBefore)) && !options.force) {
      throw new StrataError('GIT_REF_MOVED', `the strata branch ${shortBranch(ref)} is on ${branchBefore.slice(0, 12)}, a version that did not come from or go to this git repository`, {
        hint: 'import into another branch with --branch, or pass --force to move it',
        data: { ref, current: branchBefore },
      });
    }

    const versions: Array<{ commit: string; version: string }> = [];
    const made = new Map<string, string>();
    const versionOf = async (commit: string): Promise<string | undefined> => made.get(commit) ?? (await known(commit));
    for (const c of order) {
      const author = parseIdentLine(c.author);
      const committer = parseIdentLine(c.committer);
      const seconds = author?.seconds ?? committer?.seconds ?? 0;
      const time = seconds * 1000;
      const tree = await importer.importRoot(c.tree, time);
      const parents: string[] = [];
      for (const p of c.parents) {
        const v = await versionOf(p);
        if (v !== undefined && !parents.includes(v)) parents.push(v);
      }
      const { name, description } = splitCommitMessage(c.message);
      const meta: Record<string, string> = { 'git.commit': c.oid };
      if (author) meta['git.author'] = c.author;
      if (committer) meta['git.committer'] = c.committer;
      const v = await commitVersion({ repo, tree, parents, time, name, description, meta });
      made.set(c.oid, v.id);
      versions.push({ commit: c.oid, version: v.id });
      options.onProgress?.({ commits: versions.length, total: order.length });
    }
    const version = (await versionOf(tip)) as string;

    // Tags: git tags naming imported commits.
    const tags: Array<{ tag: GitImportTag; before: string | undefined }> = [];
    for (const name of await (await isomorphicGit()).listTags({ fs, gitdir: g.gitdir })) {
      let oid = await readGitRef(g, `refs/tags/${name}`);
      if (oid === undefined) continue;
      const obj = await (await isomorphicGit()).readObject({ fs, gitdir: g.gitdir, oid, format: 'parsed', cache }).catch(() => undefined);
      if (obj?.type === 'tag') oid = (await (await isomorphicGit()).readTag({ fs, gitdir: g.gitdir, oid, cache })).tag.object;
      const v = await versionOf(oid);
      if (v === undefined) continue;
      const tagRef = `${REF_NAMESPACES.tags}${name}`;
      const before = (await repo.refs.readValue(tagRef)) ;
      const beforeId = before?.kind === 'direct' ? before.id : undefined;
      tags.push({ tag: { ref: tagRef, version: v, commit: oid, status: before === undefined ? 'created' : beforeId === v ? 'unchanged' : 'moved' }, before: beforeId });
    }
    const moved = tags.filter((t) => t.tag.status === 'moved').map((t) => t.tag.ref);
    if (moved.length > 0 && !options.force) {
      throw new StrataError('TAG_EXISTS', `the strata tag${moved.length > 1 ? 's' : ''} ${moved.join(', ')} name${moved.length > 1 ? '' : 's'} other versions than git's`, {
        hint: 'pass --force to move them',
        data: { refs: moved },
      });
    }

    // Refs after every object: the tags, then the branch; the mapping last.
    for (const t of tags) if (t.tag.status !== 'unchanged') await repo.refs.update(t.tag.ref, t.tag.version, { expected: t.before ?? null });
    const branchUpdated = branchBefore !== version;
    if (branchUpdated) await repo.refs.update(ref, version, { expected: branchBefore ?? null });
    await saveGitMapping(repo, mapping, versions.map((v) => ({ version: v.version, commit: v.commit })));

    let alreadyImported = 0;
    if (boundary.size > 0) {
      // How much of the history was there before: commits reachable from the boundary.
      const seen = new Set<string>();
      const stack = [...boundary];
      while (stack.length > 0) {
        const oid = stack.pop() as string;
        if (seen.has(oid)) continue;
        seen.add(oid);
        const c = await (await isomorphicGit()).readCommit({ fs, gitdir: g.gitdir, oid, cache });
        for (const p of c.commit.parent) if (!seen.has(p)) stack.push(p);
      }
      alreadyImported = seen.size;
    }
    return {
      gitdir: g.gitdir,
      commit: tip,
      version,
      branch: shortBranch(ref),
      branchUpdated,
      versions,
      alreadyImported,
      tags: tags.map((t) => t.tag),
      lfsResolved: importer.report.lfsResolved,
      lfsMissing: importer.report.lfsMissing,
      skipped: importer.report.skipped,
    };
  });
}
