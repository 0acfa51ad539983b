import type { ObjectKind } from '../format/header.js';
import type { Repository } from '../store/repository.js';
import { resolveRevision } from './resolve-revision.js';

export interface RevParseOptions {
  repo: Repository;
  revs: string[];
}

export interface RevParseResult {
  rev: string;
  id: string;
  kind: ObjectKind;
  ref?: string;
}

/** Resolves revisions to full ids (and checks that each object exists). */
export async function revParse(options: RevParseOptions): Promise<RevParseResult[]> {
  const out: RevParseResult[] = [];
  for (const rev of options.revs) {
    const r = await resolveRevision(options.repo, rev);
    const header = await options.repo.objects.readHeader(r.id);
    out.push({ rev, id: r.id, kind: header.kind, ...(r.ref ? { ref: r.ref } : {}) });
  }
  return out;
}
