import type { EntryType } from '../format/tree.js';

export interface TreeLine {
  path: string;
  type: EntryType;
  id: string;
  size?: number | undefined;
  mode?: number | undefined;
  mtime: number;
}

/** `<mode> <type> <id>[ <size>]\t<path>`; the mode is 4 octal digits, `----` for symlinks. */
export function formatTreeLine(e: TreeLine, long: boolean): string {
  const mode = e.mode === undefined ? '----' : e.mode.toString(8).padStart(4, '0');
  const size = long ? ` ${(e.size === undefined ? '-' : String(e.size)).padStart(10)}` : '';
  return `${mode} ${e.type.padEnd(10)} ${e.id}${size}\t${e.path}`;
}
