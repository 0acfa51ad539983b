/**
 * Which paths of a version a restore selects: `--include` and `--exclude` patterns in gitignore syntax,
 * matched against paths relative to the version's root (`src/a.txt`; a folder as `src/`). A pattern
 * that matches a folder covers everything inside it. With no include pattern every path is included;
 * with some, a path is included when a pattern matches it or a folder above it. Exclusion always wins.
 */
import ignore, { type Ignore } from 'ignore';
import { StrataError } from '../../plumbing/index.js';

export interface PathFilterOptions {
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
}

export interface PathFilter {
  /** Include patterns were given: only what they match is selected. */
  readonly restricted: boolean;
  /** An exclude pattern matches the path or a folder above it. */
  excludes(path: string, isDirectory: boolean): boolean;
  /** The path is selected: not excluded, and included (by a pattern on it or on a folder above it). */
  selects(path: string, isDirectory: boolean): boolean;
}

function compile(patterns: readonly string[], option: string): Ignore {
  for (const p of patterns) {
    if (p.trim() === '' || p.trim().startsWith('#')) {
      throw new StrataError('INVALID_ARGUMENT', `--${option}: ${JSON.stringify(p)} is not a pattern`, {
        hint: 'patterns use gitignore syntax: *.png, assets/, src/**/*.ts',
      });
    }
  }
  return ignore({ allowRelativePaths: true }).add([...patterns]);
}

export function createPathFilter(options: PathFilterOptions = {}): PathFilter {
  const include = options.include && options.include.length > 0 ? compile(options.include, 'include') : undefined;
  const exclude = options.exclude && options.exclude.length > 0 ? compile(options.exclude, 'exclude') : undefined;
  const subject = (path: string, isDirectory: boolean): string => (isDirectory ? `${path}/` : path);
  const excludes = (path: string, isDirectory: boolean): boolean => exclude !== undefined && exclude.ignores(subject(path, isDirectory));
  return {
    restricted: include !== undefined,
    excludes,
    selects: (path, isDirectory) =>
      !excludes(path, isDirectory) && (include === undefined || include.ignores(subject(path, isDirectory))),
  };
}
