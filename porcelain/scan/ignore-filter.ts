/**
 * Which paths of a source folder a snapshot leaves out: `.strataignore` files (gitignore syntax, each
 * applying to its own folder and below, deeper files overriding shallower ones, `!` re-including), the
 * repository config's `ignore` patterns and `--exclude` patterns (both relative to the source root).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const IGNORE_FILE = '.strataignore';

export interface IgnoreFilterOptions {
  /** The source folder. */
  root: string;
  /** Patterns applied from the root (the config's, then --exclude), gitignore syntax. */
  patterns?: readonly string[];
  /** Read `.strataignore` files (default true). */
  ignoreFiles?: boolean;
}

/** A predicate for write-tree's `exclude`: true leaves the path out. */
export type ExcludeFn = (relativePath: string, isDirectory: boolean) => boolean;

export function createIgnoreFilter(options: IgnoreFilterOptions): ExcludeFn {
  const base = options.patterns && options.patterns.length > 0 ? ignore({ allowRelativePaths: true }).add([...options.patterns]) : undefined;
  const readFiles = options.ignoreFiles ?? true;
  // Folder (relative, '' for the root) -> its .strataignore rules, or null when it has none.
  const perFolder = new Map<string, Ignore | null>();
  const rulesOf = (folder: string): Ignore | null => {
    let rules = perFolder.get(folder);
    if (rules !== undefined) return rules;
    rules = null;
    if (readFiles) {
      try {
        const text = readFileSync(join(options.root, folder, IGNORE_FILE), 'utf8');
        rules = ignore({ allowRelativePaths: true }).add(text);
      } catch {
        // no file (or unreadable: the snapshot then stores everything, which loses nothing)
      }
    }
    perFolder.set(folder, rules);
    return rules;
  };

  return (relativePath, isDirectory) => {
    const subject = isDirectory ? `${relativePath}/` : relativePath;
    let ignored = false;
    if (base) {
      const r = base.test(subject);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    // From the root folder down to the path's own folder: deeper rules decide last.
    const parts = relativePath.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const rules = rulesOf(folder);
      if (!rules) continue;
      const r = rules.test(depth === 0 ? subject : subject.slice(folder.length + 1));
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  };
}
