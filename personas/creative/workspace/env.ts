/**
 * The machine a workspace is captured on or restored to, as the adapters see it: the platform and the
 * environment variables that locate an application's state (HOME, XDG_CONFIG_HOME, XDG_DATA_HOME,
 * APPDATA, LOCALAPPDATA, USERPROFILE). Injected, so tests can lay out a macOS or Windows home on any
 * machine: the folder layout follows `platform`, and paths are joined with this machine's separator.
 */
import { isAbsolute, join } from 'node:path';
import { StrataError } from '../../../porcelain/index.js';

export type WorkspacePlatform = 'linux' | 'darwin' | 'win32';
export const WORKSPACE_PLATFORMS: readonly WorkspacePlatform[] = ['linux', 'darwin', 'win32'];

export interface WorkspaceEnv {
  platform: WorkspacePlatform;
  /** Environment variables (a missing or empty one counts as unset). */
  vars: Record<string, string | undefined>;
  /** The home folder when the variables name none (os.homedir()). */
  home?: string | undefined;
}

/** The environment of this process (other Unix-likes are laid out as Linux). */
export function workspaceEnvFrom(vars: Record<string, string | undefined>, platform: string, home?: string): WorkspaceEnv {
  const p: WorkspacePlatform = platform === 'darwin' || platform === 'win32' ? platform : 'linux';
  return { platform: p, vars: { ...vars }, ...(home === undefined ? {} : { home }) };
}

function variable(env: WorkspaceEnv, name: string): string | undefined {
  const v = env.vars[name];
  return v === undefined || v === '' ? undefined : v;
}

/** The user's home folder: HOME (USERPROFILE first on Windows), else the injected home. */
export function homeDir(env: WorkspaceEnv): string {
  const home = (env.platform === 'win32' ? (variable(env, 'USERPROFILE') ?? variable(env, 'HOME')) : variable(env, 'HOME')) ?? env.home;
  if (home === undefined || home === '') throw new StrataError('INVALID_ARGUMENT', 'no home folder: set HOME (USERPROFILE on Windows)');
  return home;
}

/** An absolute folder from a variable, or the fallback when unset or relative (as the XDG spec says). */
function absoluteVar(env: WorkspaceEnv, name: string, fallback: () => string): string {
  const v = variable(env, name);
  return v !== undefined && (isAbsolute(v) || /^[A-Za-z]:[\\/]/.test(v)) ? v : fallback();
}

/** The per-user configuration folder: XDG_CONFIG_HOME (~/.config), ~/Library/Application Support, %APPDATA%. */
export function configHome(env: WorkspaceEnv): string {
  if (env.platform === 'darwin') return join(homeDir(env), 'Library', 'Application Support');
  if (env.platform === 'win32') return appData(env);
  return absoluteVar(env, 'XDG_CONFIG_HOME', () => join(homeDir(env), '.config'));
}

/** The per-user data folder: XDG_DATA_HOME (~/.local/share), ~/Library/Application Support, %LOCALAPPDATA%. */
export function dataHome(env: WorkspaceEnv): string {
  if (env.platform === 'darwin') return join(homeDir(env), 'Library', 'Application Support');
  if (env.platform === 'win32') return localAppData(env);
  return absoluteVar(env, 'XDG_DATA_HOME', () => join(homeDir(env), '.local', 'share'));
}

/** %APPDATA% (the roaming profile), default ~\AppData\Roaming. */
export function appData(env: WorkspaceEnv): string {
  return absoluteVar(env, 'APPDATA', () => join(homeDir(env), 'AppData', 'Roaming'));
}

/** %LOCALAPPDATA%, default ~\AppData\Local. */
export function localAppData(env: WorkspaceEnv): string {
  return absoluteVar(env, 'LOCALAPPDATA', () => join(homeDir(env), 'AppData', 'Local'));
}

/** GTK's recently-used.xbel: in the data folder on Linux and Windows, ~/.local/share on macOS too (GLib). */
export function recentlyUsedXbel(env: WorkspaceEnv): string {
  if (env.platform === 'darwin') return join(homeDir(env), '.local', 'share', 'recently-used.xbel');
  return join(dataHome(env), 'recently-used.xbel');
}

/** The folders a variable stands for when the environment does not set it, per platform. */
function defaultVariable(env: WorkspaceEnv, name: string): string | undefined {
  switch (name) {
    case 'HOME':
    case 'USERPROFILE':
      return homeDir(env);
    case 'XDG_CONFIG_HOME':
      return configHome(env);
    case 'XDG_DATA_HOME':
      return dataHome(env);
    case 'APPDATA':
      return env.platform === 'win32' ? appData(env) : configHome(env);
    case 'LOCALAPPDATA':
      return env.platform === 'win32' ? localAppData(env) : dataHome(env);
    default:
      return undefined;
  }
}

/**
 * Expands a path written in an adapter file: a leading `~`, `$NAME`, `${NAME}` and `%NAME%`, with `/`
 * or `\` between names. HOME, USERPROFILE, XDG_CONFIG_HOME, XDG_DATA_HOME, APPDATA and LOCALAPPDATA
 * always resolve (to the platform's folder when unset); any other variable must be set. The result
 * must be absolute. Joined with this machine's separator.
 */
export function expandPath(text: string, env: WorkspaceEnv): string {
  const unknown: string[] = [];
  const lookup = (name: string): string => {
    const v = name === 'HOME' || name === 'USERPROFILE' ? defaultVariable(env, name) : (variable(env, name) ?? defaultVariable(env, name));
    if (v === undefined) {
      unknown.push(name);
      return '';
    }
    return v;
  };
  let out = text.replace(/^~(?=$|[\\/])/, () => homeDir(env));
  out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%/g, (_m, a?: string, b?: string, c?: string) => lookup((a ?? b ?? c) as string));
  if (unknown.length > 0) throw new StrataError('INVALID_ARGUMENT', `path "${text}" names ${unknown.map((u) => `$${u}`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not set`, { data: { path: text, variables: unknown } });
  const drive = /^([A-Za-z]:)[\\/]/.exec(out);
  const parts = out.split(/[\\/]+/).filter((p, i) => p !== '' || i === 0);
  const absolute = out.startsWith('/') || out.startsWith('\\') || drive !== null;
  if (!absolute) throw new StrataError('INVALID_ARGUMENT', `path "${text}" is not absolute once expanded ("${out}"): start it with ~, $HOME, $XDG_CONFIG_HOME, %APPDATA% or /`, { data: { path: text } });
  if (drive !== null) return join(`${drive[1] as string}\\`, ...parts.slice(1));
  return join('/', ...parts.filter((p) => p !== ''));
}
