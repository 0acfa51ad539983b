/**
 * Which applications are running: the process lister is injected (tests fake it); the system one reads
 * /proc/<pid>/comm and cmdline on Linux, `ps -A -o pid=,comm=` on macOS and `tasklist` on Windows.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { StrataError } from '../../../porcelain/index.js';

/** The names (or executable paths) of the running processes. */
export type ProcessLister = () => Promise<string[]>;

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** Parses `tasklist /fo csv /nh` output: `"Image Name","PID",…` lines. */
export function parseTasklist(text: string): Array<{ pid: number; name: string }> {
  const out: Array<{ pid: number; name: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^"([^"]*)","(\d+)"/.exec(line.trim());
    if (m) out.push({ name: m[1] as string, pid: Number(m[2]) });
  }
  return out;
}

/** Parses `ps -A -o pid=,comm=` output (the command may be a path with spaces). */
export function parsePs(text: string): Array<{ pid: number; name: string }> {
  const out: Array<{ pid: number; name: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), name: m[2] as string });
  }
  return out;
}

/** The running processes of this machine, leaving out this process itself (which may be `node`). */
export function systemProcessLister(platform: string = process.platform, selfPid: number = process.pid): ProcessLister {
  return async () => {
    try {
      if (platform === 'win32') return parseTasklist(await run('tasklist', ['/fo', 'csv', '/nh'])).filter((p) => p.pid !== selfPid).map((p) => p.name);
      if (platform !== 'linux') return parsePs(await run('ps', ['-A', '-o', 'pid=,comm='])).filter((p) => p.pid !== selfPid).map((p) => p.name);
      const names: string[] = [];
      for (const entry of await readdir('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === selfPid) continue;
        const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => undefined);
        if (comm !== undefined) names.push(comm.trim());
        const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => undefined);
        const argv0 = cmdline?.split('\0')[0];
        if (argv0 !== undefined && argv0 !== '') names.push(argv0);
      }
      return names;
    } catch (err) {
      throw new StrataError('IO_ERROR', `cannot list the running processes: ${(err as Error).message}`, { hint: 'pass --force to restore without checking', cause: err });
    }
  };
}

/**
 * The listed processes that are one of the application's: the base name (without `.exe`) equals a
 * name, case-insensitively, or equals its first 15 characters (Linux truncates comm), or the path runs
 * through a macOS bundle of that name (`/Applications/Krita.app/…`).
 */
export function matchProcesses(listed: readonly string[], names: readonly string[]): string[] {
  const wanted = names.map((n) => n.toLowerCase());
  const found = new Set<string>();
  for (const entry of listed) {
    const lower = entry.toLowerCase();
    const base = (lower.split(/[\\/]/).pop() ?? lower).replace(/\.exe$/, '');
    if (wanted.some((n) => base === n || (base.length === 15 && n.length > 15 && n.startsWith(base)) || lower.includes(`/${n}.app/`))) found.add(entry);
  }
  return [...found].sort();
}
