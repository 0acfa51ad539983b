/**
 * What a restore does with a path that already exists in the target, for each `--overwrite` mode.
 * Pure: it sees the version's entry and what `lstat` found, and answers with an action; when only the
 * content can tell, it asks for a comparison first (`compare`) and is then asked again (`afterCompare`).
 *
 * - `if-changed` (the default): files already identical are kept. Equal size and mtime count as
 *   identical (the quick check rsync and restic make); a file of the same size with another mtime is
 *   hashed, and if its content is the version's only its mode and mtime are set. The result is the
 *   same as `always`, with only what differs written.
 * - `always`: every file is written again, identical or not.
 * - `if-newer`: only what is older on disk than in the version (by mtime) is replaced.
 * - `never`: nothing that exists is touched; only what is missing is created.
 */
import type { EntryType } from '../../plumbing/index.js';

export const OVERWRITE_MODES = ['always', 'if-changed', 'if-newer', 'never'] as const;
export type OverwriteMode = (typeof OVERWRITE_MODES)[number];
export const DEFAULT_OVERWRITE: OverwriteMode = 'if-changed';

/** What is at a path on disk. */
export type DiskKind = 'file' | 'symlink' | 'directory' | 'other';
export interface DiskState {
  kind: DiskKind;
  size: number;
  /** Permission bits. */
  mode: number;
  /** Milliseconds since the epoch. */
  mtime: number;
}

/** The version's entry for the path. */
export interface WantedEntry {
  type: EntryType;
  size?: number | undefined;
  mode?: number | undefined;
  mtime: number;
}

export type KeepReason = 'unchanged' | 'exists' | 'newer';
export type ReplaceReason = 'always' | 'changed' | 'older' | 'type';

export type EntryDecision =
  | { action: 'create' }
  | { action: 'replace'; reason: ReplaceReason }
  | { action: 'compare' }
  | { action: 'metadata' }
  | { action: 'keep'; reason: KeepReason };

export type DirectoryDecision =
  | { action: 'create' }
  | { action: 'replace'; reason: ReplaceReason }
  | { action: 'enter'; metadataDiffers: boolean }
  | { action: 'keep'; reason: KeepReason };

function diskKindFor(type: EntryType): DiskKind {
  return type === 'executable' ? 'file' : type;
}

/** The decision for a file, executable or symlink of the version. */
export function decideEntry(wanted: WantedEntry, disk: DiskState | undefined, mode: OverwriteMode): EntryDecision {
  if (disk === undefined) return { action: 'create' };
  const sameKind = disk.kind === diskKindFor(wanted.type);
  switch (mode) {
    case 'never':
      return { action: 'keep', reason: 'exists' };
    case 'always':
      return { action: 'replace', reason: sameKind ? 'always' : 'type' };
    case 'if-newer':
      if (disk.mtime >= wanted.mtime) return { action: 'keep', reason: 'newer' };
      if (!sameKind) return { action: 'replace', reason: 'type' };
      // Older on disk: replaced, unless the content is already the version's (then only metadata).
      if (wanted.type !== 'symlink' && disk.size !== wanted.size) return { action: 'replace', reason: 'older' };
      return { action: 'compare' };
    case 'if-changed':
      if (!sameKind) return { action: 'replace', reason: 'type' };
      if (wanted.type === 'symlink') return { action: 'compare' };
      if (disk.size !== wanted.size) return { action: 'replace', reason: 'changed' };
      if (disk.mtime === wanted.mtime) return disk.mode === wanted.mode ? { action: 'keep', reason: 'unchanged' } : { action: 'metadata' };
      return { action: 'compare' };
  }
}

/** The decision once the content on disk has been compared with the version's (after `compare`). */
export function afterCompare(wanted: WantedEntry, disk: DiskState, sameContent: boolean, mode: OverwriteMode): EntryDecision {
  if (!sameContent) return { action: 'replace', reason: mode === 'if-newer' ? 'older' : 'changed' };
  const sameMode = wanted.type === 'symlink' || disk.mode === wanted.mode;
  return sameMode && disk.mtime === wanted.mtime ? { action: 'keep', reason: 'unchanged' } : { action: 'metadata' };
}

/** The decision for a folder of the version. */
export function decideDirectory(wanted: WantedEntry, disk: DiskState | undefined, mode: OverwriteMode): DirectoryDecision {
  if (disk === undefined) return { action: 'create' };
  if (disk.kind === 'directory') {
    const fix = (mode === 'always' || mode === 'if-changed') && (disk.mode !== wanted.mode || disk.mtime !== wanted.mtime);
    return { action: 'enter', metadataDiffers: fix };
  }
  switch (mode) {
    case 'never':
      return { action: 'keep', reason: 'exists' };
    case 'if-newer':
      return disk.mtime >= wanted.mtime ? { action: 'keep', reason: 'newer' } : { action: 'replace', reason: 'type' };
    default:
      return { action: 'replace', reason: 'type' };
  }
}
