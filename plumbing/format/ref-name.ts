/**
 * Ref names follow git's check-ref-format rules: `HEAD`, or `refs/` followed by one or more
 * slash-separated components. A component is not empty, does not start with `.`, does not end with
 * `.lock`, and no part of the name contains `..`, `@{`, a control character, space, `~ ^ : ? * [ \`,
 * or ends with `.` or `/`.
 */
const FORBIDDEN = /[\x00-\x20\x7f~^:?*[\\]/;

/** Why `name` is not a valid ref name, or undefined when it is. */
export function refNameProblem(name: string): string | undefined {
  if (name === 'HEAD') return undefined;
  if (!name.startsWith('refs/')) return 'a ref name starts with "refs/" (or is HEAD)';
  if (name.length > 1024) return 'the ref name is longer than 1024 characters';
  if (FORBIDDEN.test(name)) return 'the ref name contains a space, control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'the ref name contains ".."';
  if (name.includes('@{')) return 'the ref name contains "@{"';
  if (name.endsWith('/') || name.endsWith('.')) return 'the ref name ends with "/" or "."';
  const parts = name.split('/');
  if (parts.length < 2 || parts.slice(1).some((p) => p === '')) return 'the ref name has an empty component';
  if (parts.some((p) => p.startsWith('.'))) return 'a ref name component starts with "."';
  if (parts.some((p) => p.endsWith('.lock'))) return 'a ref name component ends with ".lock"';
  return undefined;
}

export function isValidRefName(name: string): boolean {
  return refNameProblem(name) === undefined;
}

/** The well-known namespaces. */
export const REF_NAMESPACES = {
  heads: 'refs/heads/',
  tags: 'refs/tags/',
  versions: 'refs/versions/',
} as const;

/** Contents of a ref file: a full id, or `ref: <name>` for a symbolic ref; one line ending in LF. */
export type RefValue = { kind: 'direct'; id: string } | { kind: 'symbolic'; target: string };

export function encodeRefValue(value: RefValue): string {
  return value.kind === 'direct' ? `${value.id}\n` : `ref: ${value.target}\n`;
}

/** Parses a ref file; undefined when malformed. */
export function parseRefValue(text: string): RefValue | undefined {
  const m = /^(?:([0-9a-f]{64})|ref: (\S+))\n$/.exec(text);
  if (!m) return undefined;
  if (m[1]) return { kind: 'direct', id: m[1] };
  const target = m[2] as string;
  return isValidRefName(target) && target !== 'HEAD' ? { kind: 'symbolic', target } : undefined;
}
