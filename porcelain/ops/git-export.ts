/**
 * `strata git export`: writes the versions of a branch into a git repository as commits (trees and
 * blobs, parents kept), the tags that name them as git tags, and milestones and pins as annotated tags.
 * Incremental: versions already exported (the mapping kept in the strata repository, porcelain/git/
 * mapping.ts) are not written again. Order: every object, then the refs (each by compare-and-swap,
 * after checking them all first), then the mapping; a run that fails leaves at most unreferenced git
 * objects, which git ignores and `git gc` removes.
 */
import * as fs from 'node:fs';
import { isomorphicGit } from '../git/isomorphic-git.js';
import { REF_NAMESPACES, StrataError, isValidRefName, withRepoLock, type Repository } from '../../plumbing/index.js';
import { branchRef, branchTip, loadVersion, resolveVersion, shortBranch, VersionKeeper, type VersionRecord } from './version-list.js';
import { PINS_REF_PREFIX } from './pins.js';
import { commitMessage, encodeGitCommit, encodeGitTag, identLine, identityProblem, parseIdentLine, type GitIdentity } from '../git/git-format.js';
import { gitHeadBranch, openGitRepository, readGitRef, requireCleanWorktree, updateWorktree, type GitRepository } from '../git/git-repository.js';
import { pointGitHead, updateGitRef } from '../git/git-refs.js';
import { loadGitMapping, saveGitMapping } from '../git/mapping.js';
import { GitObjectWriter } from '../git/object-writer.js';
import { TreeExporter, type ExportHint } from '../git/tree-export.js';

/**
 * A version's commit message: its name, then its description. A version with neither gets
 * `strata version <12 hex digits of its id>` (git tools show an empty message as a blank line),
 * unless it came from git, whose empty message it keeps (so an imported history exports as it was).
 */
function versionCommitMessage(v: VersionRecord): string {
  const message = commitMessage(v.name, v.description);
  return message !== '' || v.meta['git.commit'] !== undefined ? message : `strata version ${v.id.slice(0, 12)}\n`;
}

export const DEFAULT_GIT_IDENTITY: GitIdentity = { name: 'strata', email: 'strata@localhost' };

export interface GitExportProgress {
  /** Versions written so far, of `total` (reported after each version, and as content is read). */
  versions: number;
  total: number;
  /** Content bytes read from strata so far. */
  bytes: number;
}

export interface GitExportOptions {
  repo: Repository;
  /** The git repository: its work tree (holding `.git`) or its folder when bare. */
  gitDir: string;
  /** The strata branch (default: HEAD's); the git branch of the same name is written. */
  branch?: string;
  /** Leave out this version and everything before it (a revision). */
  since?: string;
  /** Files larger than this many bytes are stored with Git LFS. */
  lfsThreshold?: number;
  /** Who the commits and tags are by, unless a version imported from git says (default strata <strata@localhost>). */
  identity?: GitIdentity;
  /**
   * The message of a pin's annotated tag (a layer above can give its milestone's notes); undefined or
   * absent: `pinned: <owner>/<name>` and the version's description.
   */
  pinMessage?: (pin: { owner: string; name: string; version: string }) => Promise<string | undefined>;
  /** Move git refs that changed since the last export (default: refuse with GIT_REF_MOVED). */
  force?: boolean;
  lockWaitMs?: number;
  onProgress?: (p: GitExportProgress) => void;
}

export interface GitExportTag {
  /** The git ref (`refs/tags/v1`). */
  ref: string;
  /** `tag`: a strata tag; `milestone`: a version marked as a milestone; `pin`: a pinned version. */
  kind: 'tag' | 'milestone' | 'pin';
  version: string;
  /** What the ref names: the commit (a lightweight tag) or the annotated tag object. */
  oid: string;
  /** `created`, `moved` (with --force) or `unchanged`. */
  status: 'created' | 'moved' | 'unchanged';
}

export interface GitExportResult {
  gitdir: string;
  branch: string;
  /** The git branch ref written and the commit it names now. */
  ref: string;
  head: string;
  /** Whether the ref moved in this run. */
  refUpdated: boolean;
  /** Versions written as new commits, oldest first, and how many of the branch's versions were exported before. */
  commits: Array<{ version: string; commit: string }>;
  alreadyExported: number;
  tags: GitExportTag[];
  /** Git objects written and their compressed bytes. */
  objectsWritten: number;
  bytesWritten: number;
  /** Files written to the LFS store in this run. */
  lfsFiles: number;
  /** Empty folders left out (git cannot hold them), and names git reserves left out, by path. */
  emptyFolders: string[];
  reservedNames: string[];
  /** Whether the HEAD of a bare repository, which named a branch that does not exist, now names the exported branch. */
  headSet: boolean;
  /** Whether the work tree of a non-bare repository was checked out afresh (its branch was exported). */
  checkedOut: boolean;
  /** Why the work tree of the exported, checked-out branch could not be brought up to date (run `git checkout -f` there). */
  worktreeProblem?: string;
}

function identityOf(v: VersionRecord, fallback: GitIdentity): { author: string; committer: string } {
  const author = v.meta['git.author'];
  const committer = v.meta['git.committer'];
  // A version imported from git keeps its commit's identities; they are used while they still match its time.
  if (author !== undefined && committer !== undefined) {
    const a = parseIdentLine(author);
    if (a && parseIdentLine(committer) && a.seconds === Math.floor(v.time / 1000)) return { author, committer };
  }
  const line = identLine(fallback, v.time);
  return { author: line, committer: line };
}

/** The versions to export, parents before children: the branch's history (every kept parent) down to what is exported already. */
async function versionsToExport(repo: Repository, tip: string, isDone: (id: string) => Promise<boolean>, excluded: Set<string>): Promise<{ order: VersionRecord[]; done: string[] }> {
  const keeper = new VersionKeeper(repo);
  const order: VersionRecord[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ v: VersionRecord; next: number }> = [];
  const done = new Set<string>();
  const enter = async (id: string): Promise<void> => {
    if (state.has(id) || done.has(id)) return;
    // Exported before (even when --since leaves it out): a boundary whose commit the new ones name as parent.
    if (await isDone(id)) {
      done.add(id);
      return;
    }
    if (excluded.has(id)) return;
    state.set(id, 'open');
    stack.push({ v: await loadVersion(repo, id), next: 0 });
  };
  await enter(tip);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { v: VersionRecord; next: number };
    if (top.next < top.v.parents.length) {
      const p = top.v.parents[top.next++] as string;
      if (!state.has(p) && (await keeper.isKept(p))) await enter(p);
      continue;
    }
    stack.pop();
    state.set(top.v.id, 'done');
    order.push(top.v);
  }
  return { order, done: [...done] };
}

/** Every version a version reaches through kept parents, itself included. */
async function ancestors(repo: Repository, start: string): Promise<Set<string>> {
  const keeper = new VersionKeeper(repo);
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const v = await loadVersion(repo, stack.pop() as string);
    for (const p of v.parents) if (!seen.has(p) && (await keeper.isKept(p))) seen.add(p), stack.push(p);
  }
  return seen;
}

async function gitHas(g: GitRepository, oid: string): Promise<boolean> {
  try {
    await (await isomorphicGit()).readObject({ fs, gitdir: g.gitdir, oid, format: 'deflated' });
    return true;
  } catch {
    return false;
  }
}

/** The commit an object names: itself, or what an annotated tag (chain) points at. */
async function peelToCommit(g: GitRepository, oid: string): Promise<string | undefined> {
  let at = oid;
  for (let depth = 0; depth < 10; depth++) {
    const obj = await (await isomorphicGit()).readObject({ fs, gitdir: g.gitdir, oid: at, format: 'parsed' }).catch(() => undefined);
    if (obj?.type !== 'tag') return obj?.type === 'commit' ? at : undefined;
    at = (obj.object as { object: string }).object;
  }
  return undefined;
}

/** A milestone's tag name: its version's name when that makes a valid, unused ref, else its short id. */
function milestoneTagName(v: VersionRecord, used: Set<string>): string {
  const byName = `refs/tags/milestones/${v.name.trim().replace(/\s+/g, '-')}`;
  const name = v.name.trim() !== '' && isValidRefName(byName) && !used.has(byName) ? byName : `refs/tags/milestones/${v.id.slice(0, 12)}`;
  used.add(name);
  return name;
}

export async function gitExport(options: GitExportOptions): Promise<GitExportResult> {
  const { repo } = options;
  const identity = options.identity ?? DEFAULT_GIT_IDENTITY;
  const problem = identityProblem(identity);
  if (problem) throw new StrataError('INVALID_ARGUMENT', `the git identity "${identity.name} <${identity.email}>" is not usable: ${problem}`);
  if (options.lfsThreshold !== undefined && !(Number.isSafeInteger(options.lfsThreshold) && options.lfsThreshold >= 0)) {
    throw new StrataError('INVALID_ARGUMENT', `the LFS threshold must be a whole number of bytes, not ${options.lfsThreshold}`);
  }
  const g = await openGitRepository(options.gitDir);
  await requireCleanWorktree(g, 'exporting could overwrite them');
  return withRepoLock({ repo, kind: 'shared', command: 'git export', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const ref = await branchRef(repo, options.branch);
    const branch = shortBranch(ref);
    const tip = await branchTip(repo, ref);
    if (tip === undefined) throw new StrataError('UNKNOWN_BRANCH', `there is no branch ${branch}, or it has no versions yet`, { hint: 'list branches with `strata branch`', data: { branch } });
    const mapping = await loadGitMapping(repo, g.gitdir);
    // A mapped version counts as exported only while its commit is in the git repository.
    const present = new Map<string, boolean>();
    const exportedBefore = async (id: string): Promise<boolean> => {
      const commit = mapping.versionToCommit.get(id);
      if (commit === undefined) return false;
      let ok = present.get(commit);
      if (ok === undefined) present.set(commit, (ok = await gitHas(g, commit)));
      return ok;
    };
    const excluded = options.since === undefined ? new Set<string>() : await ancestors(repo, (await resolveVersion(repo, options.since)).id);
    const { order: toExport, done: boundary } = await versionsToExport(repo, tip, exportedBefore, excluded);
    const earlier = new Set<string>();
    for (const id of boundary) for (const a of await ancestors(repo, id)) if (await exportedBefore(a)) earlier.add(a);
    const alreadyExported = earlier.size;

    const lfs = options.lfsThreshold === undefined ? {} : { lfsThreshold: options.lfsThreshold };
    const mappedCommit = (id: string): string | undefined => (present.get(mapping.versionToCommit.get(id) ?? '') ? mapping.versionToCommit.get(id) : undefined);
    /** Converts every version to export into a commit, parents first: written, or with `dryRun` only hashed. */
    const buildCommits = async (dryRun: boolean) => {
      const writer = new GitObjectWriter(g.gitdir, dryRun);
      let bytes = 0;
      const commits: Array<{ version: string; commit: string }> = [];
      const trees = new TreeExporter({
        repo,
        writer,
        ...lfs,
        onBytes: (n) => {
          bytes += n;
          if (!dryRun) options.onProgress?.({ versions: commits.length, total: toExport.length, bytes });
        },
      });
      const written = new Map<string, { commit: string; tree: string }>();
      const commitOf = (id: string): string | undefined => written.get(id)?.commit ?? mappedCommit(id);
      for (const v of toExport) {
        let hint: ExportHint | undefined;
        const first = v.parents[0];
        const parentCommit = first === undefined ? undefined : commitOf(first);
        if (first !== undefined && parentCommit !== undefined) {
          const parent = await loadVersion(repo, first);
          const parentTree = written.get(first)?.tree ?? (await (await isomorphicGit()).readCommit({ fs, gitdir: g.gitdir, oid: parentCommit })).commit.tree;
          // A dry run cannot read trees it did not write: it converts from scratch.
          if (!dryRun || !written.has(first)) hint = await trees.hintFor(g.gitdir, parent.tree, parentTree);
        }
        const root = await trees.exportRoot(v.tree, hint);
        const parents = [...new Set(v.parents.map(commitOf).filter((c): c is string => c !== undefined))];
        const who = identityOf(v, identity);
        const commit = await writer.write('commit', encodeGitCommit({ tree: root.oid, parents, author: who.author, committer: who.committer, message: versionCommitMessage(v) }));
        written.set(v.id, { commit, tree: root.oid });
        commits.push({ version: v.id, commit });
        if (!dryRun) options.onProgress?.({ versions: commits.length, total: toExport.length, bytes });
      }
      return { writer, trees, written, commits, commitOf };
    };

    // Check the branch before writing anything: absent, or on a commit exported from here.
    const gitRef = `refs/heads/${branch}`;
    const refBefore = await readGitRef(g, gitRef);
    if (refBefore !== undefined && !mapping.commitToVersion.has(refBefore) && !options.force) {
      // Or on a commit this export makes anyway: a run that stopped after moving the ref, before the
      // mapping was recorded. Only a dry run (hashing, writing nothing) can tell.
      const dry = await buildCommits(true);
      if (!dry.commits.some((c) => c.commit === refBefore)) {
        throw new StrataError('GIT_REF_MOVED', `the git branch ${gitRef} is on ${refBefore.slice(0, 12)}, a commit this strata repository did not export: it moved since the last export`, {
          hint: 'pass --force to move it to the exported history anyway, or export another branch',
          data: { ref: gitRef, current: refBefore },
        });
      }
    }

    const { writer, trees, written, commits, commitOf } = await buildCommits(false);
    const head = commitOf(tip) as string;
    // Any version's commit, exported in this run or before (tags may name versions off this run's path).
    const commitFor = async (id: string): Promise<string | undefined> => written.get(id)?.commit ?? ((await exportedBefore(id)) ? mapping.versionToCommit.get(id) : undefined);

    // Tags: strata tags, milestones and pins that name exported versions.
    const wanted: Array<{ ref: string; kind: GitExportTag['kind']; version: string; oid: string }> = [];
    for (const name of await repo.refs.list(REF_NAMESPACES.tags)) {
      const id = (await repo.refs.resolve(name))?.id;
      const commit = id === undefined ? undefined : await commitFor(id);
      if (id !== undefined && commit !== undefined) wanted.push({ ref: name, kind: 'tag', version: id, oid: commit });
    }
    const used = new Set<string>();
    const annotated = async (tagRef: string, kind: GitExportTag['kind'], v: VersionRecord, message: string): Promise<void> => {
      const commit = (await commitFor(v.id)) as string;
      const tagger = identityOf(v, identity).committer;
      const oid = await writer.write('tag', encodeGitTag({ object: commit, type: 'commit', tag: tagRef.slice('refs/tags/'.length), tagger, message }));
      wanted.push({ ref: tagRef, kind, version: v.id, oid });
    };
    for (const v of toExport.filter((x) => x.milestone)) {
      // A name an earlier milestone already has in git goes to this one by its id instead.
      let tagRef = milestoneTagName(v, used);
      const current = await readGitRef(g, tagRef);
      if (current !== undefined && (await peelToCommit(g, current)) !== commitOf(v.id)) tagRef = milestoneTagName({ ...v, name: '' }, used);
      await annotated(tagRef, 'milestone', v, commitMessage(v.name === '' ? `milestone ${v.id.slice(0, 12)}` : v.name, v.description));
    }
    for (const name of await repo.refs.list(PINS_REF_PREFIX)) {
      const id = (await repo.refs.resolve(name))?.id;
      if (id === undefined || (await commitFor(id)) === undefined) continue;
      const tagRef = `refs/tags/pins/${name.slice(PINS_REF_PREFIX.length)}`;
      if (!isValidRefName(tagRef)) continue;
      const v = await loadVersion(repo, id);
      const [owner, ...rest] = name.slice(PINS_REF_PREFIX.length).split('/');
      const given = await options.pinMessage?.({ owner: owner as string, name: rest.join('/'), version: id });
      await annotated(tagRef, 'pin', v, given === undefined ? commitMessage(`pinned: ${name.slice(PINS_REF_PREFIX.length)}`, v.description) : given.endsWith('\n') ? given : `${given}\n`);
    }
    const plan: Array<{ tag: GitExportTag; before: string | undefined }> = [];
    for (const w of wanted) {
      const before = await readGitRef(g, w.ref);
      plan.push({ tag: { ...w, status: before === undefined ? 'created' : before === w.oid ? 'unchanged' : 'moved' }, before });
    }
    const moved = plan.filter((p) => p.tag.status === 'moved').map((p) => p.tag.ref);
    if (moved.length > 0 && !options.force) {
      throw new StrataError('GIT_REF_MOVED', `the git tag${moved.length > 1 ? 's' : ''} ${moved.join(', ')} name${moved.length > 1 ? '' : 's'} other objects than the export would write`, {
        hint: 'pass --force to move them',
        data: { refs: moved },
      });
    }

    // Refs last, each by compare-and-swap: the tags, then the branch (a run stopped in between leaves
    // the branch where it was; the tags it wrote are what the next run writes again).
    for (const p of plan) if (p.tag.status !== 'unchanged') await updateGitRef(g, p.tag.ref, p.tag.oid, p.before);
    const refUpdated = refBefore !== head;
    if (refUpdated) await updateGitRef(g, gitRef, head, refBefore);
    // A new bare repository's HEAD names a branch that does not exist: name the exported one, so a clone checks it out.
    let headSet = false;
    if (g.worktree === undefined && refUpdated && refBefore === undefined) {
      const headRef = await gitHeadBranch(g);
      if (headRef !== undefined && headRef !== gitRef && (await readGitRef(g, headRef)) === undefined) headSet = await pointGitHead(g, gitRef, headRef);
    }
    // The mapping only after the refs.
    await saveGitMapping(repo, mapping, commits);
    // Last, the work tree whose checked-out branch was exported (a problem there is reported, not thrown: everything else is done).
    let checkedOut = false;
    let worktreeProblem: string | undefined;
    if (g.worktree !== undefined && refUpdated && (await gitHeadBranch(g)) === gitRef) {
      worktreeProblem = await updateWorktree(g, branch, refBefore, head, trees.report.nonUtf8Names === 0);
      checkedOut = worktreeProblem === undefined;
    }
    return {
      gitdir: g.gitdir,
      branch,
      ref: gitRef,
      head,
      refUpdated,
      commits,
      alreadyExported,
      tags: plan.map((p) => p.tag),
      objectsWritten: writer.written,
      bytesWritten: writer.writtenBytes,
      lfsFiles: trees.report.lfsFiles,
      emptyFolders: [...new Set(trees.report.emptyFolders)].sort(),
      reservedNames: [...new Set(trees.report.reservedNames)].sort(),
      headSet,
      checkedOut,
      ...(worktreeProblem === undefined ? {} : { worktreeProblem }),
    };
  });
}
