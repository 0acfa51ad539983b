/**
 * Per-platform configuration: the platforms a project declares (`strata-platforms.json`), each one's
 * effective configuration with the file and line of every key, comparisons between platforms and
 * between versions, and checks against a JSON Schema. Reads the working folder or any version.
 */
import { readFile } from 'node:fs/promises';
import { StrataError, type Repository } from '../../../porcelain/index.js';
import type { ConfigChangeProvider, ConfigChangeSummary, ConfigKeyChange } from '../core/release-notes-sections.js';
import { diffConfigs, platformMatrix, type ConfigDiff, type KeyChange, type MatrixRow } from '../config/compare.js';
import { ParseCache, evaluatePlatform, loadProject, platformStack, type ConfigReader, type EffectiveConfig, type StackFile } from '../config/evaluate.js';
import { PROJECT_FILES, platformDecl, platformNames, type Project } from '../config/project.js';
import { parseJsonLayer } from '../config/parse-json.js';
import { flattenConfig, formatKeyPath, parseKeyPath, toPlain, type EffectiveEntry } from '../config/types.js';
import { compileSchema, validateConfig, type Violation } from '../config/validate.js';
import { VersionTreeCache, openConfigSource, resolveRevisionTree, type ConfigSource, type ConfigSourceOptions } from './config-source.js';

export type { ConfigSourceOptions } from './config-source.js';

/** The project file of a source; FILE_NOT_FOUND when it has none. */
async function requireProject(source: ConfigSource, cache: ParseCache): Promise<Project> {
  const project = await loadProject(source.reader, cache);
  if (project === undefined) {
    const where = 'folder' in source.label ? source.label.folder : source.label.revision;
    throw new StrataError('FILE_NOT_FOUND', `no ${PROJECT_FILES[0]} (or .yaml) in ${where}: declare the platforms and their configuration layers there`, {
      hint: 'see `strata help game platforms` and the README for the file format',
    });
  }
  return project;
}

export interface PlatformInfo {
  name: string;
  kind: 'layers' | 'unreal';
  description?: string;
  /** Generic platforms: the layers applied, in order (with what they extend). Unreal: `<Category>:<step>` per file. */
  files: Array<{ file: string; layer: string; present: boolean }>;
}

export interface ListPlatformsResult {
  project: string;
  source: ConfigSource['label'];
  platforms: PlatformInfo[];
}

/** The declared platforms and the files each reads, in order (present or not). */
export async function listPlatforms(options: ConfigSourceOptions): Promise<ListPlatformsResult> {
  const source = await openConfigSource(options);
  const project = await requireProject(source, new ParseCache());
  const platforms: PlatformInfo[] = [];
  for (const name of platformNames(project)) {
    const decl = platformDecl(project, name);
    const stack = platformStack(project, name);
    const files = [];
    for (const f of stack) {
      const present = (await source.reader.idOf(f.file)) !== undefined;
      if (f.optional && !present && 'unreal' in decl) continue;
      files.push({ file: f.file, layer: f.layer, present });
    }
    platforms.push({ name, kind: 'layers' in decl ? 'layers' : 'unreal', ...(decl.description === undefined ? {} : { description: decl.description }), files });
  }
  return { project: project.file, source: source.label, platforms };
}

export interface ShowPlatformOptions extends ConfigSourceOptions {
  platform: string;
  /** Only keys equal to this key or below it (display form, e.g. `graphics` or `Engine."/Script/Engine.Engine"`). */
  key?: string | undefined;
}

export interface ShowPlatformResult {
  platform: string;
  kind: 'layers' | 'unreal';
  project: string;
  source: ConfigSource['label'];
  /** The files of the stack in order; `present: false` for skipped optional ones. */
  files: StackFile[];
  entries: EffectiveEntry[];
}

/** A platform's effective configuration, every key with the file and line that set it. */
export async function showPlatform(options: ShowPlatformOptions): Promise<ShowPlatformResult> {
  const source = await openConfigSource(options);
  const cache = new ParseCache();
  const project = await requireProject(source, cache);
  const config = await evaluatePlatform({ project, platform: options.platform, reader: source.reader, cache });
  let entries = flattenConfig(config.root);
  if (options.key !== undefined) {
    const path = parseKeyPath(options.key);
    if (path === undefined) throw new StrataError('INVALID_ARGUMENT', `"${options.key}" is not a key: use dotted names, quoting a part that holds dots: Engine."/Script/Engine.Engine"`);
    const prefix = formatKeyPath(path);
    entries = entries.filter((e) => e.key === prefix || e.key.startsWith(`${prefix}.`));
  }
  return { platform: config.platform, kind: config.kind, project: project.file, source: source.label, files: config.files, entries };
}

export interface ComparePlatformsOptions extends ConfigSourceOptions {
  /** Two or more platforms (default: every declared one). */
  platforms?: string[] | undefined;
}

export interface ComparePlatformsResult {
  project: string;
  source: ConfigSource['label'];
  platforms: string[];
  /** Keys whose effective value is not the same everywhere, with each platform's value and origin (null: absent). */
  rows: MatrixRow[];
  /** Keys with the same value on every platform (left out of `rows`). */
  same: number;
}

/** A key-by-platform matrix of what differs between platforms. */
export async function comparePlatforms(options: ComparePlatformsOptions): Promise<ComparePlatformsResult> {
  const source = await openConfigSource(options);
  const cache = new ParseCache();
  const project = await requireProject(source, cache);
  const names = options.platforms ?? platformNames(project);
  if (names.length < 2) throw new StrataError('USAGE', `compare at least two platforms (declared: ${platformNames(project).join(', ')})`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new StrataError('USAGE', `the platform "${dup}" is named twice`);
  const configs: EffectiveConfig[] = [];
  for (const platform of names) configs.push(await evaluatePlatform({ project, platform, reader: source.reader, cache }));
  const rows = platformMatrix(configs);
  const all = new Set(configs.flatMap((c) => flattenConfig(c.root).map((e) => e.key)));
  return { project: project.file, source: source.label, platforms: names, rows, same: all.size - rows.length };
}

export interface DiffPlatformVersionsOptions {
  repo: Repository;
  platform: string;
  from: string;
  to: string;
}

export interface DiffPlatformVersionsResult extends ConfigDiff {
  platform: string;
  from: { revision: string; version: string };
  to: { revision: string; version: string };
  /** Files of the platform's stack whose content differs between the two versions. */
  files: Array<{ file: string; status: 'added' | 'removed' | 'modified' }>;
}

/** How a platform's effective configuration changed between two versions. */
export async function diffPlatformVersions(options: DiffPlatformVersionsOptions): Promise<DiffPlatformVersionsResult> {
  const { repo, platform } = options;
  const trees = new VersionTreeCache(repo);
  const cache = new ParseCache();
  const sides = [];
  for (const revision of [options.from, options.to]) {
    const r = await resolveRevisionTree(repo, revision);
    const reader = trees.reader(r.tree);
    const project = await requireProject({ reader, label: { revision, version: r.version } }, cache);
    sides.push({ label: { revision, version: r.version }, reader, config: await evaluatePlatform({ project, platform, reader, cache }) });
  }
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const ids = (c: EffectiveConfig): Map<string, string> => new Map(c.files.filter((f) => f.id !== undefined).map((f) => [f.file, f.id as string]));
  const ia = ids(a.config);
  const ib = ids(b.config);
  const files: DiffPlatformVersionsResult['files'] = [];
  for (const [f, id] of ia) {
    const other = ib.get(f);
    if (other === undefined) files.push({ file: f, status: 'removed' });
    else if (other !== id) files.push({ file: f, status: 'modified' });
  }
  for (const f of ib.keys()) if (!ia.has(f)) files.push({ file: f, status: 'added' });
  return { platform, from: a.label, to: b.label, files, ...diffConfigs(a.config.root, b.config.root) };
}

export interface ValidatePlatformsOptions extends ConfigSourceOptions {
  /** A JSON Schema file on disk; default: the project file's `schema` (read from the same source). */
  schemaFile?: string | undefined;
  /** Platforms to check (default: every declared one). */
  platforms?: string[] | undefined;
}

export interface ValidatePlatformsResult {
  project: string;
  source: ConfigSource['label'];
  schema: string;
  platforms: string[];
  violations: Violation[];
}

/**
 * Every platform's effective configuration checked against a JSON Schema. Violations are returned,
 * not thrown: the CLI prints them and then fails with CONFIG_INVALID_VALUES.
 */
export async function validatePlatforms(options: ValidatePlatformsOptions): Promise<ValidatePlatformsResult> {
  const source = await openConfigSource(options);
  const cache = new ParseCache();
  const project = await requireProject(source, cache);
  let schemaName: string;
  let schemaText: string;
  if (options.schemaFile !== undefined) {
    schemaName = options.schemaFile;
    try {
      schemaText = await readFile(options.schemaFile, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new StrataError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'IO_ERROR', `cannot read the schema ${options.schemaFile}: ${(err as Error).message}`, { cause: err });
    }
  } else if (project.schema !== undefined) {
    schemaName = project.schema;
    const content = await source.reader.read(project.schema);
    if (content === undefined) throw new StrataError('FILE_NOT_FOUND', `${project.file} names the schema ${project.schema}, which does not exist`);
    schemaText = content.text;
  } else {
    throw new StrataError('USAGE', `give a JSON Schema with --schema, or name one in ${project.file} ("schema": "config/schema.json")`);
  }
  const check = compileSchema(schemaName, toPlain(parseJsonLayer(schemaName, schemaText)));
  const names = options.platforms ?? platformNames(project);
  const violations: Violation[] = [];
  for (const platform of names) {
    const config = await evaluatePlatform({ project, platform, reader: source.reader, cache });
    const iniFiles = new Set(config.files.filter((f) => f.format === 'ini').map((f) => f.file));
    violations.push(...validateConfig({ platform, root: config.root, iniFiles, check }));
  }
  return { project: project.file, source: source.label, schema: schemaName, platforms: names, violations };
}

const toKeyChange = (c: KeyChange): ConfigKeyChange => {
  const at = c.after ?? c.before;
  return {
    key: c.key,
    ...(c.before === undefined ? {} : { before: c.before.value }),
    ...(c.after === undefined ? {} : { after: c.after.value }),
    ...(at === undefined ? {} : { file: `${at.file}:${at.line}` }),
  };
};

async function platformsAt(repo: Repository, trees: VersionTreeCache, cache: ParseCache, version: string): Promise<{ project: Project | undefined; reader: ConfigReader }> {
  const r = await resolveRevisionTree(repo, version);
  const reader = trees.reader(r.tree);
  return { project: await loadProject(reader, cache), reader };
}

/**
 * What changed in every platform's effective configuration between two versions (for release
 * notes): undefined when neither version has a platforms file. Matches `ConfigChangeProvider`.
 */
export const platformConfigChanges: ConfigChangeProvider = async ({ repo, from, to }): Promise<ConfigChangeSummary | undefined> => {
  const trees = new VersionTreeCache(repo);
  const cache = new ParseCache();
  const a = await platformsAt(repo, trees, cache, from);
  const b = await platformsAt(repo, trees, cache, to);
  if (a.project === undefined && b.project === undefined) return undefined;
  const before = a.project === undefined ? [] : platformNames(a.project);
  const after = b.project === undefined ? [] : platformNames(b.project);
  const summary: ConfigChangeSummary = { platforms: [] };
  for (const platform of after.filter((p) => before.includes(p))) {
    const ca = await evaluatePlatform({ project: a.project as Project, platform, reader: a.reader, cache });
    const cb = await evaluatePlatform({ project: b.project as Project, platform, reader: b.reader, cache });
    const d = diffConfigs(ca.root, cb.root);
    summary.platforms.push({ platform, added: d.added.map(toKeyChange), removed: d.removed.map(toKeyChange), changed: d.changed.map(toKeyChange) });
  }
  const added = after.filter((p) => !before.includes(p));
  const removed = before.filter((p) => !after.includes(p));
  if (added.length > 0) summary.platformsAdded = added;
  if (removed.length > 0) summary.platformsRemoved = removed;
  return summary;
};
