/**
 * Workspace capture: the state of an application (preferences, layouts, shortcuts, recent files,
 * user-made resources) kept as records of the creative persona (`refs/records/creative/workspace/<app>`,
 * objects-spec section 7.6), listed, summarised, compared, and restored on the same or another machine.
 *
 * A capture's tree holds the files under the adapter's logical roots (`config/…`, `data/…`); its meta
 * records the application, the adapter and its version, the host, the platform and each root's folder
 * on the machine it was captured on (restore maps the logical roots to this machine's folders).
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  StrataError,
  compileGlob,
  listRecordFiles,
  listRecordNamespaces,
  listRecords,
  readRecordFile,
  resolveRecord,
  writeRecord,
  type RecordEntry,
  type RecordInfo,
  type Repository,
} from '../../../porcelain/index.js';
import { DEFAULT_MAX_FILE_BYTES, type WorkspaceAdapter, type WorkspaceRoot, type WorkspaceSummary } from '../workspace/adapter.js';
import type { WorkspaceEnv } from '../workspace/env.js';
import { genericAdapter, parseAdapterFile, AdapterFileSchema, type AdapterFile } from '../workspace/generic.js';
import { matchProcesses, type ProcessLister } from '../workspace/processes.js';
import { adapterFor } from '../workspace/registry.js';
import { diffSummaries, type FactChange, type ListChange, type SettingChange } from '../workspace/summary-diff.js';
import { XbelError, filterXbel, mergeXbel } from '../workspace/xbel.js';

export const WORKSPACE_NAMESPACE_PREFIX = 'creative/workspace/';
export const BEFORE_RESTORE = 'before-restore';

/** An adapter file: its path (read here) or its parsed content. */
export type AdapterFileInput = string | AdapterFile;

/** Reads and validates an adapter file (FILE_NOT_FOUND, INVALID_ARGUMENT naming it). */
export async function loadAdapterFile(path: string): Promise<AdapterFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StrataError('FILE_NOT_FOUND', `adapter file ${path} does not exist`, { data: { path } });
    throw new StrataError('IO_ERROR', `cannot read adapter file ${path}: ${(err as Error).message}`, { cause: err, data: { path } });
  }
  return parseAdapterFile(text, path);
}

async function resolveAdapterFile(input: AdapterFileInput | undefined): Promise<AdapterFile | undefined> {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? loadAdapterFile(input) : input;
}

// ---------------------------------------------------------------------------------------------
// Reading an application's state from disk

interface CollectedFile {
  path: string;
  data: Buffer;
  mode: number;
  mtime: number;
}

export interface WorkspaceSkip {
  path: string;
  reason: string;
  size?: number;
}

export interface WorkspaceRootReport {
  name: string;
  dir: string;
  found: boolean;
  files: number;
}

interface Collected {
  files: CollectedFile[];
  roots: WorkspaceRootReport[];
  skipped: WorkspaceSkip[];
}

/** Permission bits a tree accepts: executable exactly when the owner may execute. */
function treeMode(mode: number): number {
  const bits = mode & 0o777;
  return bits & 0o100 ? bits : bits & 0o666;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Reads what the adapter captures on the machine the environment describes. */
async function collect(adapter: WorkspaceAdapter, env: WorkspaceEnv): Promise<Collected> {
  const include = adapter.include?.map((p) => compileGlob(p));
  const exclude = (adapter.exclude ?? []).map((p) => compileGlob(p));
  const excludedFolder = (path: string): boolean => exclude.some((m) => m.folders && m.test(path));
  const excludedFile = (path: string): boolean => exclude.some((m) => !m.folders && m.test(path)) || path.split('/').slice(0, -1).some((_p, i, all) => excludedFolder(all.slice(0, i + 1).join('/')));
  const maxBytes = adapter.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const out: Collected = { files: [], roots: [], skipped: [] };
  const seen = new Set<string>();

  const readOne = async (root: WorkspaceRoot, abs: string, logical: string): Promise<void> => {
    let st;
    try {
      st = await lstat(abs);
    } catch (err) {
      if (isMissing(err)) return;
      out.skipped.push({ path: logical, reason: `cannot read: ${(err as Error).message}` });
      return;
    }
    if (st.isSymbolicLink()) return void out.skipped.push({ path: logical, reason: 'a symbolic link (not followed)' });
    if (!st.isFile()) return;
    if (st.size > maxBytes) return void out.skipped.push({ path: logical, reason: `larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`, size: st.size });
    let data: Buffer;
    try {
      data = await readFile(abs);
    } catch (err) {
      if (isMissing(err)) return;
      return void out.skipped.push({ path: logical, reason: `cannot read: ${(err as Error).message}` });
    }
    if (root.restore === 'xbel' && root.xbelApp !== undefined) {
      try {
        const filtered = filterXbel(data.toString('utf8'), root.xbelApp);
        if (filtered.kept === 0) return;
        data = Buffer.from(filtered.text, 'utf8');
      } catch (err) {
        return void out.skipped.push({ path: logical, reason: `not a recently-used.xbel document: ${(err as Error).message}` });
      }
    }
    if (seen.has(logical)) return;
    seen.add(logical);
    out.files.push({ path: logical, data, mode: treeMode(st.mode), mtime: Math.floor(st.mtimeMs) });
  };

  const walk = async (root: WorkspaceRoot, dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      out.skipped.push({ path: rel === '' ? root.name : `${root.name}/${rel}`, reason: `cannot list: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const logical = `${root.name}/${childRel}`;
      if (e.isDirectory()) {
        if (!excludedFolder(logical)) await walk(root, join(dir, e.name), childRel);
        continue;
      }
      if (include !== undefined && !include.some((m) => !m.folders && m.test(logical))) continue;
      if (excludedFile(logical)) continue;
      await readOne(root, join(dir, e.name), logical);
    }
  };

  for (const root of adapter.roots(env)) {
    const before = out.files.length;
    let found = false;
    try {
      found = (await lstat(root.dir)).isDirectory();
    } catch (err) {
      if (!isMissing(err)) out.skipped.push({ path: root.name, reason: `cannot read ${root.dir}: ${(err as Error).message}` });
    }
    if (found) {
      if (root.files !== undefined) {
        for (const f of root.files) await readOne(root, join(root.dir, ...f.split('/')), `${root.name}/${f}`);
      } else await walk(root, root.dir, '');
      if (root.listFolders) {
        const names = (await readdir(root.dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
        if (names.length > 0) out.files.push({ path: `${root.name}/.folders`, data: Buffer.from(`${names.join('\n')}\n`), mode: 0o644, mtime: 0 });
      }
    }
    out.roots.push({ name: root.name, dir: root.dir, found, files: out.files.length - before });
  }
  out.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Captures as records

/** One capture, as list, show, diff and restore describe it. */
export interface WorkspaceCaptureInfo {
  id: string;
  app: string;
  /** The capture's name (`--name`, `before-restore`), or empty. */
  name: string;
  /** Milliseconds since the epoch. */
  time: number;
  host: string;
  platform: string;
  adapter: string;
  adapterVersion: number;
  /** Each logical root's folder on the machine it was captured on. */
  roots: Record<string, string>;
  /** For a before-restore capture: the capture that was being restored. */
  restoring?: string;
}

function captureInfo(r: RecordInfo): WorkspaceCaptureInfo {
  let roots: Record<string, string> = {};
  try {
    const parsed = JSON.parse(r.meta.roots ?? '{}') as unknown;
    if (typeof parsed === 'object' && parsed !== null) roots = parsed as Record<string, string>;
  } catch {
    // an unreadable roots field: the capture still lists; restore maps by this machine's roots anyway
  }
  return {
    id: r.id,
    app: r.meta.app ?? r.namespace.slice(WORKSPACE_NAMESPACE_PREFIX.length),
    name: r.name,
    time: r.time,
    host: r.meta.host ?? '',
    platform: r.meta.platform ?? '',
    adapter: r.meta.adapter ?? '',
    adapterVersion: Number(r.meta.adapterVersion ?? '0'),
    roots,
    ...(r.meta.restoring === undefined ? {} : { restoring: r.meta.restoring }),
  };
}

function namespaceOf(app: string): string {
  return `${WORKSPACE_NAMESPACE_PREFIX}${app}`;
}

/** The adapter that reads a capture: the given file's, the one kept in the capture, or the built-in one. */
function adapterOfRecord(r: RecordInfo, file: AdapterFile | undefined): WorkspaceAdapter {
  if (file !== undefined) return adapterFor(r.meta.app, file);
  if (r.meta.adapterSpec !== undefined) {
    let spec: unknown;
    try {
      spec = JSON.parse(r.meta.adapterSpec) as unknown;
    } catch {
      spec = undefined;
    }
    const parsed = AdapterFileSchema.safeParse(spec);
    if (!parsed.success) throw new StrataError('INVALID_ARGUMENT', `capture ${r.id.slice(0, 12)} keeps an adapter description that is not valid`, { hint: 'pass the adapter file with --adapter' });
    return genericAdapter(parsed.data);
  }
  return adapterFor(r.meta.adapter ?? r.meta.app);
}

export interface CaptureWorkspaceOptions {
  repo: Repository;
  /** The application (`krita`, `blender`, `gimp`, `inkscape`, `vscode`), or the adapter file's app. */
  app?: string;
  /** Where this machine keeps things: platform and HOME, XDG_*, APPDATA, LOCALAPPDATA … */
  env: WorkspaceEnv;
  /** This machine's name (os.hostname()). */
  host: string;
  name?: string;
  /** An adapter described by a JSON file (a path or its parsed content). */
  adapterFile?: AdapterFileInput;
  lockWaitMs?: number;
}

export interface CaptureWorkspaceResult {
  capture: WorkspaceCaptureInfo;
  files: number;
  bytes: number;
  roots: WorkspaceRootReport[];
  /** Files left out (too large, unreadable, symbolic links), with the reason. */
  skipped: WorkspaceSkip[];
}

async function storeCapture(
  repo: Repository,
  adapter: WorkspaceAdapter,
  env: WorkspaceEnv,
  host: string,
  collected: Collected,
  name: string | undefined,
  extraMeta: Record<string, string>,
  lockWaitMs: number | undefined,
): Promise<CaptureWorkspaceResult> {
  const roots: Record<string, string> = {};
  for (const r of collected.roots) roots[r.name] = r.dir;
  const record = await writeRecord({
    repo,
    namespace: namespaceOf(adapter.app),
    files: collected.files.map((f) => ({ path: f.path, data: f.data, mode: f.mode, mtime: f.mtime })),
    ...(name === undefined ? {} : { name }),
    description: `${adapter.title} workspace on ${host}`,
    meta: {
      ...extraMeta,
      app: adapter.app,
      adapter: adapter.spec === undefined ? adapter.app : 'file',
      adapterVersion: String(adapter.version),
      host,
      platform: env.platform,
      roots: JSON.stringify(roots),
      ...(adapter.spec === undefined ? {} : { adapterSpec: JSON.stringify(adapter.spec) }),
    },
    ...(lockWaitMs === undefined ? {} : { lockWaitMs }),
  });
  return {
    capture: captureInfo(record),
    files: collected.files.length,
    bytes: collected.files.reduce((s, f) => s + f.data.length, 0),
    roots: collected.roots,
    skipped: collected.skipped,
  };
}

/** Captures an application's state as a new record; PATH_NOT_FOUND when none of its files exist here. */
export async function captureWorkspace(options: CaptureWorkspaceOptions): Promise<CaptureWorkspaceResult> {
  const file = await resolveAdapterFile(options.adapterFile);
  if (options.app === undefined && file === undefined) throw new StrataError('USAGE', 'name the application to capture, or give an adapter file');
  const adapter = adapterFor(options.app, file);
  const collected = await collect(adapter, options.env);
  if (collected.files.length === 0) {
    throw new StrataError('PATH_NOT_FOUND', `no ${adapter.title} settings found: looked in ${collected.roots.map((r) => r.dir).join(', ')}`, {
      hint: `has ${adapter.title} been run on this machine with this HOME? Another layout can be described in an adapter file (--adapter)`,
      data: { app: adapter.app, roots: collected.roots },
    });
  }
  return storeCapture(options.repo, adapter, options.env, options.host, collected, options.name, {}, options.lockWaitMs);
}

export interface ListWorkspacesOptions {
  repo: Repository;
  /** Only this application's captures. */
  app?: string;
}

export interface WorkspaceListEntry extends WorkspaceCaptureInfo {
  files: number;
  bytes: number;
}

/** Every capture (of one application or all), newest first. */
export async function listWorkspaces(options: ListWorkspacesOptions): Promise<{ captures: WorkspaceListEntry[] }> {
  const { repo } = options;
  const namespaces = await listRecordNamespaces(repo, WORKSPACE_NAMESPACE_PREFIX);
  const app = options.app?.toLowerCase() === 'code' ? 'vscode' : options.app?.toLowerCase();
  const wanted = app === undefined ? namespaces : namespaces.filter((n) => n === namespaceOf(app));
  const out: WorkspaceListEntry[] = [];
  for (const ns of wanted) {
    for (const r of await listRecords(repo, ns)) {
      const files = await listRecordFiles(repo, r.id);
      out.push({ ...captureInfo(r), files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) });
    }
  }
  out.sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
  return { captures: out };
}

/**
 * The capture a word names: an application (its newest capture), an id or unique id prefix of any
 * capture, or a capture name (the newest with it). RECORD_NOT_FOUND otherwise.
 */
export async function resolveCapture(repo: Repository, which: string): Promise<RecordInfo> {
  const namespaces = await listRecordNamespaces(repo, WORKSPACE_NAMESPACE_PREFIX);
  const asApp = which.toLowerCase() === 'code' ? 'vscode' : which.toLowerCase();
  if (namespaces.includes(namespaceOf(asApp))) return resolveRecord(repo, namespaceOf(asApp), 'head');
  const all: RecordInfo[] = [];
  for (const ns of namespaces) all.push(...(await listRecords(repo, ns)));
  if (/^[0-9a-f]{4,64}$/i.test(which)) {
    const byId = all.filter((r) => r.id.startsWith(which.toLowerCase()));
    if (byId.length === 1) return byId[0] as RecordInfo;
    if (byId.length > 1) throw new StrataError('AMBIGUOUS_ID', `"${which}" names ${byId.length} workspace captures: give more digits`);
  }
  const byName = all.filter((r) => r.name === which).sort((a, b) => b.time - a.time);
  if (byName.length > 0) return byName[0] as RecordInfo;
  throw new StrataError('RECORD_NOT_FOUND', `no workspace capture "${which}"`, {
    hint: all.length === 0 ? 'capture one first: strata creative workspace capture <app>' : 'name a capture by its id, its name, or its application (for the newest): see strata creative workspace list',
    data: { capture: which },
  });
}

async function summaryOf(repo: Repository, record: RecordInfo, adapter: WorkspaceAdapter): Promise<{ files: RecordEntry[]; summary: WorkspaceSummary }> {
  const files = await listRecordFiles(repo, record.id);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const summary = await adapter.summarize({
    files: files.map((f) => ({ path: f.path, size: f.size })),
    read: async (path) => {
      const entry = byPath.get(path);
      if (entry === undefined) throw new StrataError('PATH_NOT_FOUND', `${path} is not in the capture`);
      return readRecordFile(repo, entry);
    },
  });
  return { files, summary };
}

export interface ShowWorkspaceOptions {
  repo: Repository;
  /** A capture id (or prefix), a capture name, or an application (its newest capture). */
  capture: string;
  adapterFile?: AdapterFileInput;
}

export interface ShowWorkspaceResult {
  capture: WorkspaceCaptureInfo;
  files: Array<{ path: string; size: number }>;
  bytes: number;
  /** What the adapter reads in the files: facts, lists (recent files, workspaces, windows), settings. */
  summary: WorkspaceSummary;
}

/** One capture: its files and what the adapter reads in them. */
export async function showWorkspace(options: ShowWorkspaceOptions): Promise<ShowWorkspaceResult> {
  const record = await resolveCapture(options.repo, options.capture);
  const adapter = adapterOfRecord(record, await resolveAdapterFile(options.adapterFile));
  const { files, summary } = await summaryOf(options.repo, record, adapter);
  return { capture: captureInfo(record), files: files.map((f) => ({ path: f.path, size: f.size })), bytes: files.reduce((s, f) => s + f.size, 0), summary };
}

export interface DiffWorkspacesOptions {
  repo: Repository;
  /** The earlier capture. */
  a: string;
  /** The later capture. */
  b: string;
  adapterFile?: AdapterFileInput;
}

export interface DiffWorkspacesResult {
  a: WorkspaceCaptureInfo;
  b: WorkspaceCaptureInfo;
  app: string;
  files: { added: string[]; removed: string[]; changed: string[]; unchanged: number };
  /** Settings added, removed or changed, key by key, in the files the adapter reads. */
  settings: SettingChange[];
  /** Items added to or removed from lists: recent files, workspaces, windows, extensions … */
  lists: ListChange[];
  facts: FactChange[];
  problems: Array<{ path: string; message: string }>;
}

/** What changed between two captures of one application: files, and what the adapter understands in them. */
export async function diffWorkspaces(options: DiffWorkspacesOptions): Promise<DiffWorkspacesResult> {
  const ra = await resolveCapture(options.repo, options.a);
  const rb = await resolveCapture(options.repo, options.b);
  const ia = captureInfo(ra);
  const ib = captureInfo(rb);
  if (ia.app !== ib.app) throw new StrataError('INVALID_ARGUMENT', `${ia.id.slice(0, 12)} is a ${ia.app} workspace and ${ib.id.slice(0, 12)} a ${ib.app} one: compare captures of one application`);
  const file = await resolveAdapterFile(options.adapterFile);
  const sa = await summaryOf(options.repo, ra, adapterOfRecord(ra, file));
  const sb = await summaryOf(options.repo, rb, adapterOfRecord(rb, file));
  const before = new Map(sa.files.map((f) => [f.path, f.id]));
  const after = new Map(sb.files.map((f) => [f.path, f.id]));
  const files = { added: [] as string[], removed: [] as string[], changed: [] as string[], unchanged: 0 };
  for (const [path, id] of after) {
    const old = before.get(path);
    if (old === undefined) files.added.push(path);
    else if (old !== id) files.changed.push(path);
    else files.unchanged++;
  }
  for (const path of before.keys()) if (!after.has(path)) files.removed.push(path);
  const d = diffSummaries(sa.summary, sb.summary);
  const problems = [...sa.summary.problems.map((p) => ({ ...p, path: `${ia.id.slice(0, 12)}:${p.path}` })), ...sb.summary.problems.map((p) => ({ ...p, path: `${ib.id.slice(0, 12)}:${p.path}` }))];
  return { a: ia, b: ib, app: ia.app, files, ...d, problems };
}

// ---------------------------------------------------------------------------------------------
// Restore

export type WorkspaceRestoreKind = 'create' | 'replace' | 'merge' | 'unchanged' | 'delete';

export interface WorkspaceRestoreAction {
  /** The logical path in the capture. */
  path: string;
  /** The file on this machine. */
  target: string;
  action: WorkspaceRestoreKind;
}

export interface RestoreWorkspaceOptions {
  repo: Repository;
  capture: string;
  env: WorkspaceEnv;
  host: string;
  /** Lists the running processes (the system's in the CLI; tests inject a fake). */
  processes: ProcessLister;
  /** Report what would be written; write nothing. */
  dryRun?: boolean;
  /** Restore even while the application runs (it may overwrite the files when it quits). */
  force?: boolean;
  /** Also delete files the adapter would capture here that the capture does not have (to undo a restore exactly). */
  prune?: boolean;
  adapterFile?: AdapterFileInput;
  lockWaitMs?: number;
}

export interface RestoreWorkspaceResult {
  capture: WorkspaceCaptureInfo;
  app: string;
  dryRun: boolean;
  actions: WorkspaceRestoreAction[];
  written: number;
  deleted: number;
  /** The capture of what was here before (absent when nothing was changed, or on a dry run). */
  backup?: WorkspaceCaptureInfo;
  /** Captured files not written back, with the reason (an extension list, a root this machine lacks). */
  notRestored: Array<{ path: string; reason: string }>;
  /** Matching processes found running (a dry run or --force reports them instead of refusing). */
  running: string[];
}

function safeSegments(path: string): string[] {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new StrataError('UNSAFE_PATH', `capture path "${path}" would leave its folder`, { data: { path } });
  }
  return parts;
}

async function readIfFile(path: string): Promise<{ kind: 'absent' } | { kind: 'file'; data: Buffer; mode: number } | { kind: 'other' }> {
  try {
    const st = await lstat(path);
    if (!st.isFile()) return { kind: 'other' };
    return { kind: 'file', data: await readFile(path), mode: st.mode & 0o777 };
  } catch (err) {
    if (isMissing(err)) return { kind: 'absent' };
    throw new StrataError('IO_ERROR', `cannot read ${path}: ${(err as Error).message}`, { cause: err, data: { path } });
  }
}

interface PlannedWrite {
  action: WorkspaceRestoreAction;
  data: Buffer;
  mode: number;
  mtime: number | undefined;
}

/**
 * Writes a capture's files back to this machine's folders for its application. Refuses (APP_RUNNING)
 * while the application runs unless forced; first stores what it is about to change as a capture
 * named `before-restore`; stages every file next to its target, then renames them all into place.
 */
export async function restoreWorkspace(options: RestoreWorkspaceOptions): Promise<RestoreWorkspaceResult> {
  const { repo, env } = options;
  const record = await resolveCapture(repo, options.capture);
  const info = captureInfo(record);
  const adapter = adapterOfRecord(record, await resolveAdapterFile(options.adapterFile));
  const dryRun = options.dryRun ?? false;

  const running = matchProcesses(await options.processes(), adapter.processes);
  if (running.length > 0 && !dryRun && !options.force) {
    throw new StrataError('APP_RUNNING', `${adapter.title} is running (${running.join(', ')}): quit it before restoring its workspace, since it rewrites its settings when it quits`, {
      hint: 'or pass --force to restore anyway',
      data: { app: adapter.app, processes: running },
    });
  }

  const roots = new Map(adapter.roots(env).map((r) => [r.name, r]));
  const entries = await listRecordFiles(repo, record.id);
  const notRestored: Array<{ path: string; reason: string }> = [];
  const writes: PlannedWrite[] = [];
  const actions: WorkspaceRestoreAction[] = [];
  const captured = new Set<string>();
  for (const entry of entries) {
    const [rootName, ...rest] = safeSegments(entry.path);
    const root = roots.get(rootName as string);
    captured.add(entry.path);
    if (root === undefined || rest.length === 0) {
      notRestored.push({ path: entry.path, reason: `${adapter.title} has no "${rootName}" folder on ${env.platform}` });
      continue;
    }
    if (root.restore === 'none' || entry.path === `${root.name}/.folders`) {
      notRestored.push({ path: entry.path, reason: 'kept to show and compare only (extensions are installed, not copied)' });
      continue;
    }
    const target = join(root.dir, ...rest);
    const data = await readRecordFile(repo, entry);
    const current = await readIfFile(target);
    if (current.kind === 'other') {
      notRestored.push({ path: entry.path, reason: `${target} is not a regular file` });
      continue;
    }
    if (root.restore === 'xbel' && root.xbelApp !== undefined) {
      let merged: string;
      try {
        merged = mergeXbel(current.kind === 'file' ? current.data.toString('utf8') : undefined, data.toString('utf8'), root.xbelApp);
      } catch (err) {
        if (!(err instanceof XbelError)) throw err;
        throw new StrataError('ASSET_CORRUPT', `${current.kind === 'file' ? target : `${entry.path} in the capture`} is not a readable recently-used.xbel: ${err.message}`, { data: { path: target } });
      }
      const buf = Buffer.from(merged, 'utf8');
      const same = current.kind === 'file' && current.data.equals(buf);
      const action: WorkspaceRestoreAction = { path: entry.path, target, action: same ? 'unchanged' : current.kind === 'file' ? 'merge' : 'create' };
      actions.push(action);
      if (!same) writes.push({ action, data: buf, mode: current.kind === 'file' ? current.mode : entry.mode, mtime: undefined });
      continue;
    }
    const same = current.kind === 'file' && current.data.equals(data);
    const action: WorkspaceRestoreAction = { path: entry.path, target, action: same ? 'unchanged' : current.kind === 'file' ? 'replace' : 'create' };
    actions.push(action);
    if (!same) writes.push({ action, data, mode: entry.mode, mtime: entry.mtime });
  }

  const here = options.prune || !dryRun ? await collect(adapter, env) : undefined;
  const deletions: WorkspaceRestoreAction[] = [];
  if (options.prune && here !== undefined) {
    for (const f of here.files) {
      const rootName = f.path.split('/')[0] as string;
      const root = roots.get(rootName);
      if (captured.has(f.path) || root === undefined || (root.restore ?? 'files') !== 'files' || f.path === `${rootName}/.folders`) continue;
      const action: WorkspaceRestoreAction = { path: f.path, target: join(root.dir, ...f.path.split('/').slice(1)), action: 'delete' };
      deletions.push(action);
      actions.push(action);
    }
  }
  actions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const base = { capture: info, app: adapter.app, dryRun, actions, notRestored, running };
  if (dryRun || (writes.length === 0 && deletions.length === 0)) return { ...base, written: 0, deleted: 0 };

  const backup = await storeCapture(repo, adapter, env, options.host, here as Collected, BEFORE_RESTORE, { restoring: record.id }, options.lockWaitMs);

  // Stage every file beside its target, then rename them all: a failure while staging changes nothing.
  const staged: Array<{ temp: string; write: PlannedWrite }> = [];
  try {
    for (const w of writes) {
      const temp = `${w.action.target}.strata-${randomBytes(6).toString('hex')}.tmp`;
      await mkdir(dirname(w.action.target), { recursive: true });
      await writeFile(temp, w.data, { mode: w.mode });
      staged.push({ temp, write: w });
      await chmod(temp, w.mode);
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    const target = writes[staged.length]?.action.target ?? '';
    throw new StrataError('IO_ERROR', `cannot write ${target}: ${(err as Error).message}; nothing was changed`, { cause: err, data: { path: target, backup: backup.capture.id } });
  }
  let written = 0;
  try {
    for (const s of staged) {
      await rename(s.temp, s.write.action.target);
      written++;
      if (s.write.mtime !== undefined && s.write.mtime > 0) await utimes(s.write.action.target, new Date(s.write.mtime), new Date(s.write.mtime));
    }
  } catch (err) {
    await Promise.all(staged.slice(written).map((s) => rm(s.temp, { force: true })));
    throw new StrataError('IO_ERROR', `restoring stopped after ${written} of ${staged.length} files: ${(err as Error).message}`, {
      hint: `what was here before is capture ${backup.capture.id.slice(0, 12)} (before-restore): restore it to go back`,
      cause: err,
      data: { backup: backup.capture.id },
    });
  }
  let deleted = 0;
  for (const d of deletions) {
    try {
      await rm(d.target, { force: true });
      deleted++;
    } catch (err) {
      throw new StrataError('IO_ERROR', `cannot delete ${d.target}: ${(err as Error).message}`, { cause: err, data: { path: d.target, backup: backup.capture.id } });
    }
  }
  return { ...base, written, deleted, backup: backup.capture };
}
