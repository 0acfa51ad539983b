/**
 * Elements of a file (PSD, KRA and ORA layers; SVG elements; glTF nodes, meshes, materials and
 * textures; OBJ objects and groups): list them, extract one as a file of its own, or put one back from
 * an earlier version into today's file, leaving everything else in it as it is (after a backup).
 */
import { randomBytes } from 'node:crypto';
import { access, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import {
  StrataError,
  deleteRecord,
  listRecordFiles,
  listRecords,
  readRecordFile,
  resolveRecord,
  resolveVersionPath,
  splitVersionPath,
  writeRecord,
  type Repository,
} from '../../../porcelain/index.js';
import { findElement, type ElementFile, type ElementInfo, type OutputFile } from '../elements/element.js';
import { elementHandlerFor } from '../elements/handlers.js';
import { psdHandler } from '../elements/psd.js';
import { psdListingDocument } from '../elements/psd-prefix.js';
import { AssetSide } from './asset-side.js';

/** Where a file is read from: `<version>:<path>` of the repository, or a file on disk. */
export type ElementSource = { spec: string } | { file: string };

interface LoadedSource {
  file: ElementFile;
  /** How messages name it. */
  label: string;
  /** For a version: the version id and the path inside it. */
  version?: string;
  path: string;
}

async function loadSource(repo: Repository | undefined, source: ElementSource): Promise<LoadedSource> {
  if ('file' in source) {
    const abs = resolve(source.file);
    const side = new AssetSide(repo as Repository, { kind: 'folder', root: dirname(abs) });
    const name = basename(abs);
    let data: Buffer | undefined;
    try {
      data = await side.read(name);
    } catch (err) {
      if (err instanceof StrataError) throw err;
      throw new StrataError('IO_ERROR', `cannot read ${abs}: ${(err as Error).message}`, { cause: err });
    }
    if (data === undefined) throw new StrataError('FILE_NOT_FOUND', `${abs} is not a file`, { data: { file: abs } });
    return { file: { name, data, readRelated: side.related(name) }, label: abs, path: abs };
  }
  if (!repo) throw new StrataError('NO_REPOSITORY', 'a version needs a repository');
  const spec = splitVersionPath(source.spec);
  if (spec.parts.length === 0) throw new StrataError('INVALID_ARGUMENT', `"${source.spec}" names a whole version: give <version>:<path>`);
  const resolved = await resolveVersionPath(repo, spec);
  const side = new AssetSide(repo, { kind: 'version', revision: spec.revision, id: resolved.version });
  const data = await side.read(resolved.path);
  if (data === undefined) throw new StrataError('WRONG_KIND', `"${resolved.path}" in ${spec.revision} is not a file`, { data: { path: resolved.path } });
  return { file: { name: resolved.path, data, readRelated: side.related(resolved.path) }, label: `${spec.revision}:${resolved.path}`, version: resolved.version, path: resolved.path };
}

export interface ListElementsOptions {
  repo?: Repository | undefined;
  source: ElementSource;
}

export interface ListElementsResult {
  file: string;
  version?: string;
  elements: ElementInfo[];
}

/** PSDs larger than this are listed from their layer records alone, streamed (bounded memory). */
const STREAMED_LISTING_BYTES = 32 * 1024 * 1024;

export async function listElements(options: ListElementsOptions): Promise<ListElementsResult> {
  const streamed = await listLargePsd(options.repo, options.source);
  if (streamed) return streamed;
  const src = await loadSource(options.repo, options.source);
  const elements = await elementHandlerFor(src.file.name).list(src.file);
  return { file: src.label, ...(src.version === undefined ? {} : { version: src.version }), elements };
}

/** A large PSD's layers from its records alone, read as a stream; undefined when that does not apply. */
async function listLargePsd(repo: Repository | undefined, source: ElementSource): Promise<ListElementsResult | undefined> {
  let side: AssetSide;
  let path: string;
  let label: string;
  let version: string | undefined;
  if ('file' in source) {
    const abs = resolve(source.file);
    side = new AssetSide(repo as Repository, { kind: 'folder', root: dirname(abs) });
    path = basename(abs);
    label = abs;
  } else {
    if (!repo) return undefined;
    const spec = splitVersionPath(source.spec);
    if (spec.parts.length === 0) return undefined;
    const resolved = await resolveVersionPath(repo, spec);
    side = new AssetSide(repo, { kind: 'version', revision: spec.revision, id: resolved.version });
    path = resolved.path;
    label = `${spec.revision}:${resolved.path}`;
    version = resolved.version;
  }
  if (elementHandlerFor(path) !== psdHandler) return undefined;
  const stat = await side.stat(path);
  if (!stat || stat.type !== 'file' || stat.size < STREAMED_LISTING_BYTES) return undefined;
  const stream = await side.stream(path);
  const small = stream ? await psdListingDocument(stream) : undefined;
  if (!small) return undefined;
  const elements = await psdHandler.list({ name: path, data: small });
  return { file: label, ...(version === undefined ? {} : { version }), elements };
}

export interface ExtractElementOptions {
  repo?: Repository | undefined;
  source: ElementSource;
  element: string;
  /** The file to write (companions, such as an OBJ's MTL, go next to it). */
  out: string;
  /** Replace files that exist (otherwise TARGET_EXISTS). */
  force?: boolean | undefined;
}

export interface ExtractElementResult {
  file: string;
  element: ElementInfo;
  /** Every file written, the main one first. */
  written: Array<{ path: string; bytes: number }>;
}

export async function extractElement(options: ExtractElementOptions): Promise<ExtractElementResult> {
  const src = await loadSource(options.repo, options.source);
  const handler = elementHandlerFor(src.file.name);
  const element = findElement(src.label, await handler.list(src.file), options.element);
  const out = resolve(options.out);
  const files = await handler.extract(src.file, element.name, basename(out));
  const targets = files.map((f, i) => ({ path: i === 0 ? out : resolve(dirname(out), f.name), data: f.data }));
  await writeAll(targets, options.force ?? false);
  return { file: src.label, element, written: targets.map((t) => ({ path: t.path, bytes: t.data.length })) };
}

/** Record namespace of the backups restore-element keeps. */
export const BACKUP_NAMESPACE = 'creative/element-backups';

export interface RestoreElementOptions {
  repo: Repository;
  /** `<version>:<path>`: where the element is taken from. */
  spec: string;
  element: string;
  /** The file to put it into (default: the same path in `folder`). */
  into?: string | undefined;
  /** The working folder (the project the repository belongs to); needed without `into`. */
  folder?: string | undefined;
  /** Show what would change; write nothing. */
  dryRun?: boolean | undefined;
  lockWaitMs?: number | undefined;
}

export interface RestoreElementResult {
  from: string;
  into: string;
  element: ElementInfo;
  restored: string[];
  /** The backup of the replaced file (a record: `creative backups`), absent in a dry run or when the file was new. */
  backup?: string;
  /** Files written: the file itself, then companions. */
  written: Array<{ path: string; bytes: number }>;
  dryRun: boolean;
}

/**
 * Puts one element of a file, as it was in a version, into today's file: every other element stays as
 * it is. The file it replaces is kept first as a backup record (until the next snapshot); all files
 * are written atomically, and together (temporary files first, then renames).
 */
export async function restoreElement(options: RestoreElementOptions): Promise<RestoreElementResult> {
  const { repo } = options;
  const old = await loadSource(repo, { spec: options.spec });
  let into = options.into;
  if (into === undefined) {
    if (options.folder === undefined) throw new StrataError('USAGE', 'give the file to restore into (--into), or run in the project folder');
    into = join(options.folder, old.path);
  }
  into = resolve(into);
  const handler = elementHandlerFor(old.file.name);
  if (elementHandlerFor(into) !== handler) {
    throw new StrataError('ASSET_UNSUPPORTED', `${into} is not the same kind of file as ${old.label}`, { data: { into } });
  }
  const element = findElement(old.label, await handler.list(old.file), options.element);
  const current = await loadSource(repo, { file: into });
  const r = await handler.restore(current.file, old.file, element.name);
  const targets = [{ path: into, data: r.data }, ...r.companions.map((c) => ({ path: resolve(dirname(into as string), c.name), data: c.data }))];
  const written = targets.map((t) => ({ path: t.path, bytes: t.data.length }));
  const base = { from: old.label, into, element, restored: r.restored, written };
  if (options.dryRun) return { ...base, dryRun: true };
  await pruneBackups(repo);
  const backupFiles = [{ path: 'file', data: current.file.data }];
  for (const c of r.companions) {
    const existing = await readFile(resolve(dirname(into), c.name)).catch(() => undefined);
    if (existing !== undefined) backupFiles.push({ path: `companions/${c.name.replace(/\\/g, '/')}`, data: existing });
  }
  const backup = await writeRecord({
    repo,
    namespace: BACKUP_NAMESPACE,
    files: backupFiles,
    description: `before restoring ${element.name} from ${old.label}`,
    meta: { file: into, element: element.name, from: old.label },
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
  await writeAll(targets, true);
  return { ...base, backup: backup.id, dryRun: false };
}

/**
 * Writes every file or none: each to a temporary file beside it, then all renamed into place.
 * Without `force`, a file that exists already is TARGET_EXISTS (checked before anything is written).
 */
async function writeAll(files: Array<{ path: string; data: Buffer }>, force: boolean): Promise<void> {
  if (!force) {
    for (const f of files) {
      const exists = await access(f.path).then(
        () => true,
        () => false,
      );
      if (exists) throw new StrataError('TARGET_EXISTS', `${f.path} exists already`, { hint: 'pick another name, or pass --force to replace it', data: { path: f.path } });
    }
  }
  const temps: string[] = [];
  try {
    for (const f of files) {
      const temp = `${f.path}.tmp-${randomBytes(6).toString('hex')}`;
      temps.push(temp);
      await writeFile(temp, f.data);
    }
    for (let i = 0; i < files.length; i++) await rename(temps[i] as string, (files[i] as { path: string }).path);
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw new StrataError('IO_ERROR', `cannot write ${files.map((f) => f.path).join(', ')}: ${(err as Error).message}`, { cause: err });
  }
}

export interface ElementBackup {
  id: string;
  time: number;
  file: string;
  element: string;
  from: string;
}

/** Backups restore-element kept, newest first. */
export async function listBackups(repo: Repository): Promise<ElementBackup[]> {
  return (await listRecords(repo, BACKUP_NAMESPACE)).map((r) => ({ id: r.id, time: r.time, file: r.meta.file ?? '', element: r.meta.element ?? '', from: r.meta.from ?? '' }));
}

/** A backup is kept until the next snapshot: those older than the newest version are forgotten. */
async function pruneBackups(repo: Repository): Promise<void> {
  const backups = await listRecords(repo, BACKUP_NAMESPACE);
  if (backups.length === 0) return;
  const newest = (await repo.refs.list('refs/versions/')).length === 0 ? undefined : await newestVersionTime(repo);
  if (newest === undefined) return;
  for (const b of backups) if (b.time < newest) await deleteRecord(repo, BACKUP_NAMESPACE, b.id);
}

async function newestVersionTime(repo: Repository): Promise<number | undefined> {
  const head = await repo.refs.resolve('HEAD').catch(() => undefined);
  if (!head?.id) return undefined;
  const obj = await repo.objects.read(head.id);
  return obj.kind === 'version' ? obj.version.time : undefined;
}

export interface RestoreBackupOptions {
  repo: Repository;
  /** A backup id (or unique prefix). */
  backup: string;
}

/** Writes a backup back over the file it was taken of (and its companions). */
export async function restoreBackup(options: RestoreBackupOptions): Promise<{ file: string; written: string[] }> {
  const { repo } = options;
  const record = await resolveRecord(repo, BACKUP_NAMESPACE, options.backup);
  const file = record.meta.file;
  if (!file) throw new StrataError('INVALID_OBJECT', `backup ${record.id} records no file`);
  const files: Array<{ path: string; data: Buffer }> = [];
  for (const entry of await listRecordFiles(repo, record.id)) {
    const data = await readRecordFile(repo, entry);
    if (entry.path === 'file') files.unshift({ path: file, data });
    else if (entry.path.startsWith('companions/')) files.push({ path: resolve(dirname(file), relative('companions', entry.path)), data });
  }
  await writeAll(files, true);
  return { file, written: files.map((f) => f.path) };
}

export type { OutputFile };
