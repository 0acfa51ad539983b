/**
 * `history <platform> <key>`: every version of a branch in which a key's effective value changed, and
 * which file changed it. Fast over long histories: a version is re-evaluated only when the content id
 * of the project file or of one of the platform's layer files differs from the version before (tree
 * entries are read with a cache by tree id, so unchanged folders are read once), and parsed files are
 * cached by content id.
 */
import { StrataError, isStrataError, log, type Repository } from '../../../porcelain/index.js';
import { ParseCache, evaluatePlatform, platformStack } from '../config/evaluate.js';
import { PROJECT_FILES, platformNames, type Project } from '../config/project.js';
import { formatKeyPath, nodeAt, parseKeyPath, toPlain, valueKey, type PlainValue } from '../config/types.js';
import { VersionTreeCache } from './config-source.js';

export interface PlatformKeyHistoryOptions {
  repo: Repository;
  platform: string;
  /** The key in display form (`graphics.shadows`, `Engine."/Script/Engine.Engine".bSmoothFrameRate`). */
  key: string;
  /** The branch to walk (default: the current one). */
  branch?: string | undefined;
}

/** The key's state in one version. */
export type KeyState =
  | { state: 'set'; value: PlainValue; file: string; line: number }
  | { state: 'absent'; reason: 'no-key' | 'no-project' | 'no-platform' }
  | { state: 'error'; code: string; message: string };

export type KeyHistoryEntry = KeyState & {
  version: string;
  time: number;
  name: string;
  description: string;
  /** The value before this version (absent when the key was not set, or before the first version). */
  before?: PlainValue;
  /** Files of the platform (and the project file) whose content changed in this version. */
  changedFiles: string[];
};

export interface PlatformKeyHistoryResult {
  platform: string;
  key: string;
  /** Versions walked (the branch's history, oldest to newest). */
  versions: number;
  /** Versions whose files changed and were evaluated again. */
  evaluated: number;
  /** The versions in which the key's state changed, newest first (as `log` lists). */
  entries: KeyHistoryEntry[];
}

export async function platformKeyHistory(options: PlatformKeyHistoryOptions): Promise<PlatformKeyHistoryResult> {
  const { repo, platform } = options;
  const path = parseKeyPath(options.key);
  if (path === undefined) throw new StrataError('INVALID_ARGUMENT', `"${options.key}" is not a key: use dotted names, quoting a part that holds dots: Engine."/Script/Engine.Engine".bSmoothFrameRate`);
  const key = formatKeyPath(path);
  const { entries: newestFirst } = await log({ repo, ...(options.branch === undefined ? {} : { branch: options.branch }) });
  const trees = new VersionTreeCache(repo);
  const cache = new ParseCache();
  const out: KeyHistoryEntry[] = [];
  let prevSig: string | undefined;
  let prevIds = new Map<string, string | undefined>();
  let prevState: KeyState | undefined;
  let evaluated = 0;
  let project: Project | undefined;
  let projectSig: string | undefined;
  let projectError: KeyState | undefined;
  let declared = false;
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const v = newestFirst[i] as (typeof newestFirst)[number];
    const reader = trees.reader(v.tree);
    const ids = new Map<string, string | undefined>();
    let state: KeyState | undefined;
    try {
      let projectFile: string | undefined;
      for (const f of PROJECT_FILES) {
        const id = await reader.idOf(f);
        if (id !== undefined) {
          projectFile = f;
          ids.set(f, id);
          break;
        }
      }
      const sigNow = projectFile === undefined ? '' : `${projectFile}\0${ids.get(projectFile)}`;
      if (sigNow !== projectSig) {
        projectSig = sigNow;
        project = undefined;
        projectError = undefined;
        if (projectFile !== undefined) {
          const content = await reader.read(projectFile);
          try {
            if (content !== undefined) project = cache.project(projectFile, content);
          } catch (err) {
            if (!isStrataError(err)) throw err;
            projectError = { state: 'error', code: err.code, message: err.message };
          }
        }
      }
      if (projectError !== undefined) state = projectError;
      else if (project === undefined) state = { state: 'absent', reason: 'no-project' };
      else if (!Object.hasOwn(project.platforms, platform)) state = { state: 'absent', reason: 'no-platform' };
      else {
        declared = true;
        for (const f of platformStack(project, platform)) ids.set(f.file, await reader.idOf(f.file));
      }
    } catch (err) {
      if (!isStrataError(err)) throw err;
      state = { state: 'error', code: err.code, message: err.message };
    }
    const sig = [...ids].map(([f, id]) => `${f}\0${id ?? ''}`).join('\n');
    if (state === undefined && sig === prevSig && prevState !== undefined) state = prevState;
    if (state === undefined) {
      evaluated++;
      try {
        const config = await evaluatePlatform({ project: project as Project, platform, reader, cache });
        const node = nodeAt(config.root, path);
        state = node === undefined ? { state: 'absent', reason: 'no-key' } : { state: 'set', value: toPlain(node), file: node.origin.file, line: node.origin.line };
      } catch (err) {
        if (!isStrataError(err)) throw err;
        state = { state: 'error', code: err.code, message: err.message };
      }
    }
    const stateKey = (s: KeyState | undefined): string => (s === undefined ? '' : s.state === 'set' ? `set\0${valueKey(s.value)}` : s.state === 'error' ? `error\0${s.message}` : 'absent');
    if (stateKey(state) !== stateKey(prevState) && !(prevState === undefined && state.state === 'absent')) {
      const changedFiles = [...new Set([...ids.keys(), ...prevIds.keys()])].filter((f) => ids.get(f) !== prevIds.get(f));
      out.push({ ...state, version: v.id, time: v.time, name: v.name, description: v.description, ...(prevState?.state === 'set' ? { before: prevState.value } : {}), changedFiles });
    }
    prevState = state;
    prevSig = sig;
    prevIds = ids;
  }
  if (!declared && newestFirst.length > 0) {
    const known = project === undefined ? [] : platformNames(project);
    throw new StrataError('UNKNOWN_PLATFORM', `no version of the branch declares the platform "${platform}"${known.length === 0 ? '' : `: the newest declares ${known.join(', ')}`}`, {
      data: { platform, declared: known },
    });
  }
  return { platform, key, versions: newestFirst.length, evaluated, entries: out.reverse() };
}
