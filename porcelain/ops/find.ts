import { StrataError, type Repository } from '../../plumbing/index.js';
import { displayPath, type DiffNode, type NodeType } from '../core/tree-diff.js';
import { TreeLoader } from './diff.js';
import { branchRef, branchTip, checkScope, listAllVersions, walkFirstParents, type HistoryScope, type VersionRecord } from './version-list.js';

/**
 * Glob patterns over paths, as `find` takes them:
 * - a pattern with a `/` (other than a trailing one) matches the whole path from the root (a leading
 *   `/` is allowed); a pattern without one matches the last name at any depth (`*.psd`);
 * - `*` matches any run of characters within one name, `?` one character, `[abc]`, `[a-z]`, `[!a-z]`
 *   one character of (or not of) a set, `{psd,png}` any of the alternatives, `\` quotes the next
 *   character, and `**` as a whole name matches any number of folders (`art/**`, `**\/v1/*.png`);
 * - names starting with `.` are matched like any other; matching is case-sensitive;
 * - a trailing `/` matches folders only (otherwise files, executables and symlinks are matched).
 */
export interface GlobMatcher {
  /** Tests a `/`-separated relative path. */
  test(path: string): boolean;
  /** The pattern matches folders (it ends with `/`) rather than files and symlinks. */
  folders: boolean;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** The index of the `]` closing a class opened at `start`, or -1. */
function classEnd(p: string, start: number): number {
  let j = start + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  while (j < p.length && p[j] !== ']') {
    if (p[j] === '/') return -1;
    j++;
  }
  return j < p.length ? j : -1;
}

/** The index of the `}` closing a brace opened at `start`, or -1. */
function braceEnd(p: string, start: number): number {
  let depth = 0;
  for (let j = start; j < p.length; j++) {
    const c = p[j];
    if (c === '\\') j++;
    else if (c === '[') {
      const end = classEnd(p, j);
      if (end > 0) j = end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return -1;
}

function translate(p: string): string {
  let re = '';
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\') {
      if (i + 1 < p.length) re += escapeRegExp(p[++i] as string);
      else re += '\\\\';
      continue;
    }
    if (c === '*') {
      const segmentStart = i === 0 || p[i - 1] === '/';
      if (p[i + 1] === '*' && segmentStart && (i + 2 === p.length || p[i + 2] === '/')) {
        if (i + 2 === p.length) {
          re += '.*';
          i += 1;
        } else {
          re += '(?:.*/)?';
          i += 2;
        }
        continue;
      }
      while (p[i + 1] === '*') i++;
      re += '[^/]*';
      continue;
    }
    if (c === '?') {
      re += '[^/]';
      continue;
    }
    if (c === '[') {
      const end = classEnd(p, i);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = p.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const escaped = body.replace(/[\\\]^[]/g, (m) => `\\${m}`);
      re += negate ? `[^/${escaped}]` : `[${escaped}]`;
      i = end;
      continue;
    }
    if (c === '{' && braceEnd(p, i) > 0) {
      braces++;
      re += '(?:';
      continue;
    }
    if (c === '}' && braces > 0) {
      braces--;
      re += ')';
      continue;
    }
    if (c === ',' && braces > 0) {
      re += '|';
      continue;
    }
    re += escapeRegExp(c);
  }
  return re;
}

/** Compiles a glob (see GlobMatcher); INVALID_ARGUMENT for an empty or malformed one. */
export function compileGlob(pattern: string): GlobMatcher {
  let p = pattern;
  const folders = p.length > 1 && p.endsWith('/');
  if (folders) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  if (p === '') throw new StrataError('INVALID_ARGUMENT', `"${pattern}" is not a pattern: give a name or path glob such as "*.psd" or "art/**"`);
  let regex: RegExp;
  try {
    regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${translate(p)}$`, 's');
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `"${pattern}" is not a valid pattern: ${(err as Error).message}`, { cause: err });
  }
  return { test: (path) => regex.test(path), folders };
}

export interface FindOptions extends HistoryScope {
  repo: Repository;
  /** A glob over paths (see GlobMatcher). */
  pattern: string;
}

export interface FindMatch {
  /** The version holding the path. */
  version: string;
  time: number;
  versionName: string;
  path: string;
  /** Base64 of the path's bytes, when some name on it is not valid UTF-8. */
  rawPath?: string;
  type: NodeType;
  /** Content bytes (absent for folders). */
  size?: number;
  /** Content id (a folder's tree id). */
  id: string;
  mode?: number;
  mtime: number;
}

export interface FindResult {
  /** Newest version first; within a version, in tree order. */
  matches: FindMatch[];
  /** The ids of the versions searched, newest first. */
  versions: string[];
  /** Versions searched, and how many held a match. */
  versionsSearched: number;
  versionsMatched: number;
  /** The branch searched (a ref); absent with `all`. */
  branch?: string;
  /** The history ended at a forgotten parent: the last version searched and that parent. */
  forgotten?: { version: string; parent: string };
}

interface Hit {
  key: string;
  node: DiffNode;
}

/**
 * Which versions hold paths matching a glob, newest first: a branch's first-parent history (default:
 * the branch HEAD names), or every version with `all`. Each folder is searched once however many
 * versions share it.
 */
export async function findPaths(options: FindOptions): Promise<FindResult> {
  const { repo } = options;
  checkScope(options);
  const glob = compileGlob(options.pattern);
  const loader = new TreeLoader(repo);
  const memo = new Map<string, Promise<Hit[]>>();

  const search = (treeId: string, prefix: string): Promise<Hit[]> => {
    const memoKey = `${treeId}\0${prefix}`;
    let p = memo.get(memoKey);
    if (!p) {
      p = loader.children(treeId).then(async (children) => {
        const hits: Hit[] = [];
        for (const [name, node] of children) {
          const key = prefix === '' ? name : `${prefix}/${name}`;
          if ((node.type === 'directory') === glob.folders && glob.test(displayPath(key).path)) hits.push({ key, node });
          if (node.type === 'directory') hits.push(...(await search(node.id as string, key)));
        }
        return hits;
      });
      memo.set(memoKey, p);
    }
    return p;
  };

  const result: FindResult = { matches: [], versions: [], versionsSearched: 0, versionsMatched: 0 };
  const visit = async (v: VersionRecord): Promise<boolean> => {
    result.versionsSearched++;
    result.versions.push(v.id);
    const hits = await search(v.tree, '');
    if (hits.length > 0) result.versionsMatched++;
    for (const { key, node } of hits) {
      const { path, rawPath } = displayPath(key);
      const m: FindMatch = { version: v.id, time: v.time, versionName: v.name, path, type: node.type, id: node.id as string, mtime: node.mtime };
      if (rawPath !== undefined) m.rawPath = rawPath;
      if (node.type !== 'directory') m.size = node.size;
      if (node.mode !== undefined) m.mode = node.mode;
      result.matches.push(m);
    }
    return true;
  };

  if (options.all) {
    for (const v of await listAllVersions(repo)) await visit(v);
    return result;
  }
  const branch = await branchRef(repo, options.branch);
  result.branch = branch;
  const tip = await branchTip(repo, branch);
  if (tip === undefined) {
    if (options.branch !== undefined) {
      throw new StrataError('UNKNOWN_BRANCH', `there is no branch ${options.branch}`, { hint: 'list branches with `strata branch`', data: { branch } });
    }
    return result;
  }
  const end = await walkFirstParents(repo, tip, visit);
  if (end.forgotten) result.forgotten = end.forgotten;
  return result;
}
