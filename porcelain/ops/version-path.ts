/**
 * `<version>[:<path>]`: a revision, and optionally a path inside its tree. Resolving it reads one tree
 * per level of the path and nothing else, so naming one file of a large version stays cheap.
 */
import { StrataError, peelToTree, resolveRevision, type Repository, type TreeEntry } from '../../plumbing/index.js';

export interface VersionPathSpec {
  revision: string;
  /** The path's names (empty for the version's root). */
  parts: string[];
}

export interface ResolvedVersionPath extends VersionPathSpec {
  /** What the revision resolved to: a version's id (or a tree's). */
  version: string;
  /** The version's root tree. */
  tree: string;
  /** `parts` joined with `/`. */
  path: string;
  /** The entries along the path, outermost first; the last is the path's own (none for the root). */
  entries: TreeEntry[];
}

/** Splits `<version>[:<path>]`; `extra` is a path given separately (joined after any `:<path>`). */
export function splitVersionPath(spec: string, extra?: string): VersionPathSpec {
  const colon = spec.indexOf(':');
  const revision = colon < 0 ? spec : spec.slice(0, colon);
  if (revision === '') throw new StrataError('INVALID_ARGUMENT', `"${spec}" names no version: use <version>[:<path>], e.g. main:src/app.ts`);
  const path = [colon < 0 ? '' : spec.slice(colon + 1), extra ?? ''].join('/');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new StrataError('INVALID_ARGUMENT', `"${spec}${extra === undefined ? '' : ` ${extra}`}": a path inside a version cannot contain ".."`);
  return { revision, parts };
}

/** Resolves the revision and walks the path; PATH_NOT_FOUND names the first missing part. */
export async function resolveVersionPath(repo: Repository, spec: VersionPathSpec): Promise<ResolvedVersionPath> {
  const { revision, parts } = spec;
  const resolved = await resolveRevision(repo, revision);
  const tree = await peelToTree(repo, resolved.id);
  const entries: TreeEntry[] = [];
  let treeId = tree;
  for (let i = 0; i < parts.length; i++) {
    const found = (await repo.objects.readTree(treeId)).entries.find((e) => e.name.equals(Buffer.from(parts[i] as string, 'utf8')));
    const sofar = parts.slice(0, i + 1).join('/');
    if (!found) {
      throw new StrataError('PATH_NOT_FOUND', `"${sofar}" is not in ${revision}`, {
        hint: `see what it holds with \`strata ls ${revision}${i === 0 ? '' : ` ${parts.slice(0, i).join('/')}`}\``,
        data: { revision, path: parts.join('/') },
      });
    }
    if (i < parts.length - 1 && found.type !== 'directory') {
      throw new StrataError('PATH_NOT_FOUND', `"${sofar}" in ${revision} is a ${found.type}, not a folder, so "${parts.join('/')}" is not in it`, {
        data: { revision, path: parts.join('/') },
      });
    }
    entries.push(found);
    treeId = found.id;
  }
  return { revision, parts, version: resolved.id, tree, path: parts.join('/'), entries };
}
