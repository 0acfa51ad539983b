import type { ObjectKind } from '../format/header.js';
import type { Repository } from '../store/repository.js';

export interface ForEachRefOptions {
  repo: Repository;
  /** Prefixes (`refs/tags/`) or exact names; none means every ref. */
  patterns?: string[];
  /** Include HEAD first. */
  includeHead?: boolean;
}

export interface RefInfo {
  name: string;
  /** The id it resolves to; undefined for a symbolic ref to a ref that does not exist yet. */
  id?: string;
  /** The object's kind; undefined when the object is missing. */
  kind?: ObjectKind;
  /** For symbolic refs, the ref they point at. */
  symref?: string;
}

function matches(name: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => name === p || name.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Lists refs with what they point at, sorted by name. */
export async function forEachRef(options: ForEachRefOptions): Promise<RefInfo[]> {
  const { repo } = options;
  const patterns = options.patterns ?? [];
  const names = (await repo.refs.list('refs/')).filter((n) => matches(n, patterns));
  if (options.includeHead) names.unshift('HEAD');
  const out: RefInfo[] = [];
  for (const name of names) {
    const resolved = await repo.refs.resolve(name);
    const info: RefInfo = { name };
    if (resolved?.symbolic) info.symref = resolved.target;
    if (resolved?.id) {
      info.id = resolved.id;
      const header = await repo.objects.readHeader(resolved.id).catch(() => undefined);
      if (header) info.kind = header.kind;
    }
    out.push(info);
  }
  return out;
}

/**
 * Expands a `--format` string: `%(refname)`, `%(refname:short)`, `%(objectname)`,
 * `%(objectname:short)`, `%(objecttype)`, `%(symref)`, and `%%`.
 */
export function formatRef(info: RefInfo, format: string): string {
  const short = info.name.replace(/^refs\/(heads|tags|versions)\//, '').replace(/^refs\//, '');
  return format.replace(/%%|%\(([a-z]+)(?::([a-z]+))?\)/g, (whole, field: string | undefined, mod: string | undefined) => {
    if (whole === '%%') return '%';
    switch (field) {
      case 'refname':
        return mod === 'short' ? short : info.name;
      case 'objectname':
        return mod === 'short' ? (info.id ?? '').slice(0, 12) : (info.id ?? '');
      case 'objecttype':
        return info.kind ?? '';
      case 'symref':
        return info.symref ?? '';
      default:
        return whole;
    }
  });
}
