/**
 * A file, symlink or folder as write-tree's scan saw it: what an incremental scan compares to decide
 * whether it changed (nanosecond times, inode and device as decimal strings, exact beyond 2^53).
 */
export interface ScannedFile {
  /** Relative, `/`-separated (`''` for the root folder). */
  path: string;
  kind: 'file' | 'symlink' | 'directory';
  /** Bytes for a file or symlink (its target's length); for a folder, the entries its tree holds. */
  size: number;
  mode: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
}
