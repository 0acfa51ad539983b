/**
 * A workspace adapter knows where one application keeps its state on Linux, macOS and Windows, which
 * of those files matter (preferences, layouts, shortcuts, recent files, user-made resources; never
 * caches, thumbnails, logs or crash dumps), and how to summarise them. Adapters are pure readers:
 * they compute folders from the injected environment and read bytes they are handed.
 */
import { createHash } from 'node:crypto';
import type { WorkspaceEnv } from './env.js';

/** One place an application keeps state, under a logical name that is the same on every machine. */
export interface WorkspaceRoot {
  /** The logical root, one name (`config`, `data`, `recent`): captured files are `<name>/<path>`. */
  name: string;
  /** The folder on this machine. */
  dir: string;
  /** Read only these files (`/`-separated, relative to dir) instead of walking the folder. */
  files?: string[];
  /**
   * How restore treats the root: `files` writes the files back (the default); `xbel` merges the
   * captured bookmarks into this machine's recently-used.xbel (captured filtered to the application);
   * `none` is captured for show and diff only (an extension list: extensions are installed, not copied).
   */
  restore?: 'files' | 'xbel' | 'none';
  /** For `xbel`: the application names or exec lines whose bookmarks belong to the workspace. */
  xbelApp?: RegExp;
  /** Also record the names of the folder's sub-folders as `<name>/.folders` (capture only). */
  listFolders?: boolean;
}

export interface SummaryInput {
  /** The captured files (logical paths, sorted) and their sizes. */
  files: ReadonlyArray<{ path: string; size: number }>;
  /** Reads one captured file. */
  read(path: string): Promise<Buffer>;
}

/**
 * What `show` prints and `diff` compares: short facts, named lists (recent files, workspaces, windows,
 * extensions), settings by group (a file, or a file's section) and key, and files that could not be read.
 */
export interface WorkspaceSummary {
  facts: Record<string, string>;
  lists: Record<string, string[]>;
  settings: Record<string, Record<string, string>>;
  problems: Array<{ path: string; message: string }>;
}

export interface WorkspaceAdapter {
  /** The application's name in commands and record namespaces (`krita`). */
  app: string;
  /** Its name for people (`Krita`). */
  title: string;
  /** Bumped when what the adapter captures changes. */
  version: number;
  /** Process names (or macOS bundle names) that mean the application is running. */
  processes: string[];
  /** Where the state lives on the machine the environment describes. */
  roots(env: WorkspaceEnv): WorkspaceRoot[];
  /** Globs over logical paths (`config/*\/config/userpref.blend`) for walked roots; default everything. */
  include?: string[];
  /** Globs over logical paths never captured (a pattern without `/` matches a name at any depth). */
  exclude?: string[];
  /** Files larger than this are left out and reported (default 16 MiB). */
  maxFileBytes?: number;
  summarize(input: SummaryInput): Promise<WorkspaceSummary>;
  /** The adapter as JSON, for adapters defined by a file (kept in the capture so restore needs no file). */
  spec?: unknown;
}

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Values longer than this are shown as their start, length and a digest (window states are kilobytes of base64). */
const LONG_VALUE = 160;

/** A setting's value as summaries keep it: short ones as they are, long ones abbreviated with a digest. */
export function settingValue(value: string): string {
  if (value.length <= LONG_VALUE) return value;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 12);
  return `${value.slice(0, 48)}… (${value.length} characters, sha256 ${digest})`;
}

/** Collects a summary; the adapters' one way to build one. */
export class SummaryBuilder {
  private readonly s: WorkspaceSummary = { facts: {}, lists: {}, settings: {}, problems: [] };

  fact(label: string, value: string | number): this {
    this.s.facts[label] = String(value);
    return this;
  }

  /** Appends items to a named list (created when first named, even empty). */
  list(name: string, items: readonly string[]): this {
    const list = (this.s.lists[name] ??= []);
    list.push(...items);
    return this;
  }

  setting(group: string, key: string, value: string): this {
    (this.s.settings[group] ??= {})[key] = settingValue(value);
    return this;
  }

  group(group: string): this {
    this.s.settings[group] ??= {};
    return this;
  }

  problem(path: string, err: unknown): this {
    this.s.problems.push({ path, message: err instanceof Error ? err.message : String(err) });
    return this;
  }

  build(): WorkspaceSummary {
    return this.s;
  }
}

/** Reads a captured file as UTF-8 text, or records why it could not be read. */
export async function readText(input: SummaryInput, path: string, b: SummaryBuilder): Promise<string | undefined> {
  try {
    return (await input.read(path)).toString('utf8');
  } catch (err) {
    b.problem(path, err);
    return undefined;
  }
}

/** The last name of a logical path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The name without its last extension. */
export function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
