/**
 * Runs the real `git` for the git bridge's tests, isolated from the machine's configuration (no
 * global or system config, a fixed identity, Git LFS's filter configured for the repositories that
 * need it). `hasGit` / `hasGitLfs` tell whether the binaries are there, so tests can skip with a reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOME = mkdtempSync(join(tmpdir(), 'strata-git-home-'));

export const GIT_ENV: Record<string, string> = {
  HOME,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

function probe(args: string[]): boolean {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
  return r.status === 0;
}

export const hasGit = probe(['git', '--version']);
export const hasGitLfs = hasGit && probe(['git', 'lfs', 'version']);

export interface GitRun {
  status: number;
  stdout: string;
  stdoutBuf: Buffer;
  stderr: string;
}

/** Runs git in `cwd`; throws with its stderr when it fails, unless `allowFail`. */
export function runGit(cwd: string, args: string[], options: { allowFail?: boolean; env?: Record<string, string>; input?: string } = {}): GitRun {
  const r = spawnSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV, ...(options.env ?? {}) }, maxBuffer: 256 * 1024 * 1024, ...(options.input === undefined ? {} : { input: options.input }) });
  const out = { status: r.status ?? 1, stdoutBuf: r.stdout ?? Buffer.alloc(0), stdout: (r.stdout ?? Buffer.alloc(0)).toString('utf8'), stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8') };
  if (out.status !== 0 && !options.allowFail) throw new Error(`git ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  return out;
}

/** The `-c` options that turn on Git LFS's filter for one command (as `git lfs install` would, without touching a config file). */
export const LFS_CONFIG = ['-c', 'filter.lfs.smudge=git-lfs smudge -- %f', '-c', 'filter.lfs.process=git-lfs filter-process', '-c', 'filter.lfs.required=true', '-c', 'filter.lfs.clean=git-lfs clean -- %f'];
