/**
 * Resolving references: the written target of a reference, read from the referring file's folder (or
 * the Godot project root, or the Unity/Godot identity tables), to a root-relative path.
 */
import { posix } from 'node:path';
import type { Declaration, Reference, Unresolved } from './reference.js';

export interface ResolveContext {
  /** Whether a file exists at this root-relative path (picks between the written and the decoded spelling). */
  exists(path: string): boolean;
  /** The folder (root-relative, `''` for the root) that `res://` means for a file: the nearest one above it holding `project.godot`. */
  godotRoot(from: string): string;
  /** The path a Godot `uid://…` names. */
  godotUid(uid: string): string | undefined;
  /** The path a Unity GUID names. */
  unityGuid(guid: string): string | undefined;
}

/** A context without knowledge of other files: relative paths as written, `res://` from the root. */
export const BARE_CONTEXT: ResolveContext = {
  exists: () => false,
  godotRoot: () => '',
  godotUid: () => undefined,
  unityGuid: () => undefined,
};

/** A context over a list of files and the declarations read from them. */
export function createResolveContext(files: Iterable<string>, declarations: Iterable<Declaration>, exists?: (path: string) => boolean): ResolveContext {
  const set = files instanceof Set ? (files as Set<string>) : new Set(files);
  const projectFolders = new Set<string>();
  for (const f of set) {
    if (f === 'project.godot') projectFolders.add('');
    else if (f.endsWith('/project.godot')) projectFolders.add(f.slice(0, -'/project.godot'.length));
  }
  const guids = new Map<string, string>();
  const uids = new Map<string, string>();
  for (const d of declarations) (d.scheme === 'guid' ? guids : uids).set(d.id, d.path);
  const rootCache = new Map<string, string>();
  return {
    exists: (p) => set.has(p) || (exists?.(p) ?? false),
    godotRoot: (from) => {
      let dir = posix.dirname(from);
      if (dir === '.') dir = '';
      const cached = rootCache.get(dir);
      if (cached !== undefined) return cached;
      let d = dir;
      let found = '';
      for (;;) {
        if (projectFolders.has(d)) {
          found = d;
          break;
        }
        if (d === '') break;
        const up = posix.dirname(d);
        d = up === '.' ? '' : up;
      }
      rootCache.set(dir, found);
      return found;
    },
    godotUid: (uid) => uids.get(uid),
    unityGuid: (guid) => guids.get(guid.toLowerCase()),
  };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const DRIVE = /^[a-z]:[\\/]/i;
/** Unity's built-in resources: GUIDs of 16 zeros, one hex digit, 15 zeros. */
const UNITY_BUILTIN = /^0{16}[0-9a-f]0{15}$/;

/** `a/b/../c` within the root, or undefined when it leaves it. */
function normalizeInside(path: string): string | undefined {
  const n = posix.normalize(path);
  if (n === '..' || n.startsWith('../') || posix.isAbsolute(n)) return undefined;
  return n === '.' ? '' : n;
}

function folderOf(from: string): string {
  const d = posix.dirname(from);
  return d === '.' ? '' : d;
}

/** The path part of a URI reference: no `?query`/`#fragment`. */
export function uriPath(target: string): string {
  const cut = target.search(/[?#]/);
  return cut >= 0 ? target.slice(0, cut) : target;
}

function tryDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Resolves one relative or root-relative path: the spellings to try, first existing one wins. */
function resolvePath(base: string, candidates: string[], ctx: ResolveContext): { resolved?: string; unresolved?: Unresolved } {
  const inside: string[] = [];
  for (const c of candidates) {
    const n = normalizeInside(posix.join(base, c));
    if (n !== undefined && n !== '' && !inside.includes(n)) inside.push(n);
  }
  if (inside.length === 0) return { unresolved: 'outside' };
  return { resolved: inside.find((p) => ctx.exists(p)) ?? (inside[inside.length - 1] as string) };
}

/** Where one reference of the file at `from` points (a copy with `resolved` or `unresolved` set). */
export function resolveReference(from: string, ref: Reference, ctx: ResolveContext): Reference {
  const out: Reference = { ...ref };
  delete out.resolved;
  delete out.unresolved;
  const set = (r: { resolved?: string; unresolved?: Unresolved }): Reference => {
    if (r.resolved !== undefined) out.resolved = r.resolved;
    if (r.unresolved !== undefined) out.unresolved = r.unresolved;
    return out;
  };
  switch (ref.form) {
    case 'guid': {
      const guid = ref.target.toLowerCase();
      if (UNITY_BUILTIN.test(guid)) return set({ unresolved: 'builtin' });
      const path = ctx.unityGuid(guid);
      return set(path === undefined ? { unresolved: 'unknown-guid' } : { resolved: path });
    }
    case 'uid': {
      const path = ctx.godotUid(ref.target);
      return set(path === undefined ? { unresolved: 'unknown-uid' } : { resolved: path });
    }
    case 'res': {
      if (ref.uid !== undefined) {
        const byUid = ctx.godotUid(ref.uid);
        if (byUid !== undefined) return set({ resolved: byUid });
      }
      const t = ref.target;
      if (t.startsWith('res://')) return set(resolvePath(ctx.godotRoot(from), [t.slice('res://'.length)], ctx));
      if (t.startsWith('uid://')) {
        const path = ctx.godotUid(t);
        return set(path === undefined ? { unresolved: 'unknown-uid' } : { resolved: path });
      }
      if (SCHEME.test(t) && !DRIVE.test(t)) return set({ unresolved: 'url' });
      if (t.startsWith('/') || DRIVE.test(t)) return set({ unresolved: 'absolute' });
      return set(resolvePath(folderOf(from), [t], ctx));
    }
    case 'relative': {
      const t = ref.target.replace(/\\/g, '/');
      if (DRIVE.test(ref.target) || t.startsWith('/')) return set({ unresolved: 'absolute' });
      if (SCHEME.test(t)) return set({ unresolved: 'url' });
      return set(resolvePath(folderOf(from), [t], ctx));
    }
    case 'uri': {
      const raw = ref.target.trim();
      if (DRIVE.test(raw) || raw.startsWith('\\\\')) return set({ unresolved: 'absolute' });
      if (raw.startsWith('//') || SCHEME.test(raw)) return set({ unresolved: 'url' });
      const path = uriPath(raw).replace(/\\/g, '/');
      if (path === '') return set({ unresolved: 'url' });
      // Web pages and style sheets mean the site's root by `/`; elsewhere it is the file system's.
      if (path.startsWith('/')) {
        if (ref.kind.startsWith('html-') || ref.kind.startsWith('css-') || ref.kind === 'font') {
          return set(resolvePath('', [path.slice(1), tryDecode(path.slice(1))], ctx));
        }
        return set({ unresolved: 'absolute' });
      }
      // The decoded spelling is what the URI means; the written one is tried for files named with a `%`.
      return set(resolvePath(folderOf(from), [path, tryDecode(path)], ctx));
    }
  }
}

/** Resolves every reference of a file. */
export function resolveAll(from: string, refs: readonly Reference[], ctx: ResolveContext = BARE_CONTEXT): Reference[] {
  return refs.map((r) => resolveReference(from, r, ctx));
}
