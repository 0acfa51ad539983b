/**
 * Which strata version is which git commit, for one git repository: kept in the strata repository as
 * derived data (objects-spec section 7.5), namespace `git/<first 16 hex digits of the SHA-256 of the
 * git folder's real path>`, one entry per version (the source) whose blob holds the commit id (40 hex
 * digits). Export and import share it, so a commit exported is never imported again and the reverse.
 * An entry lives as long as its version; a lost entry only costs work (export and import are
 * deterministic, so the same commit or version is made again).
 */
import { createHash } from 'node:crypto';
import { loadDerivedIndex, putDerived, readDerived } from '../ops/derived.js';
import type { Repository } from '../../plumbing/index.js';
import { GIT_ID } from './git-format.js';

export const GIT_MAPPING_PREFIX = 'git/';

export interface GitMapping {
  namespace: string;
  versionToCommit: Map<string, string>;
  commitToVersion: Map<string, string>;
}

/** The derived-data namespace of the mapping for a git folder (an absolute real path). */
export function gitMappingNamespace(gitdir: string): string {
  return `${GIT_MAPPING_PREFIX}${createHash('sha256').update(gitdir).digest('hex').slice(0, 16)}`;
}

export async function loadGitMapping(repo: Repository, gitdir: string): Promise<GitMapping> {
  const namespace = gitMappingNamespace(gitdir);
  const index = await loadDerivedIndex(repo, namespace);
  const data = await readDerived(repo, index, [...index.entries.keys()]);
  const versionToCommit = new Map<string, string>();
  const commitToVersion = new Map<string, string>();
  for (const [version, blob] of data) {
    const commit = blob.toString('latin1').trim();
    if (!GIT_ID.test(commit)) continue;
    versionToCommit.set(version, commit);
    if (!commitToVersion.has(commit)) commitToVersion.set(commit, version);
  }
  return { namespace, versionToCommit, commitToVersion };
}

/** Records version -> commit pairs (after the git refs are written: the mapping comes last). */
export async function saveGitMapping(repo: Repository, mapping: GitMapping, pairs: Array<{ version: string; commit: string }>): Promise<void> {
  const fresh = pairs.filter((p) => mapping.versionToCommit.get(p.version) !== p.commit);
  if (fresh.length === 0) return;
  await putDerived({ repo, namespace: mapping.namespace, items: fresh.map((p) => ({ source: p.version, data: Buffer.from(p.commit, 'latin1') })), lockWaitMs: 10_000 });
  for (const p of fresh) {
    mapping.versionToCommit.set(p.version, p.commit);
    if (!mapping.commitToVersion.has(p.commit)) mapping.commitToVersion.set(p.commit, p.version);
  }
}
