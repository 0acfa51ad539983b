/**
 * Repository locks between gc and the commands that read or add to the repository, with real
 * processes: a process holding a shared lock (a small script using the built library, and a real
 * `strata snapshot` stopped mid-way) makes gc exit 11 naming it, and gc's exclusive lock does the same
 * to them; a holder killed with SIGKILL leaves a lock that is reported as stale (exit 11) until
 * `strata unlock` clears it, after which gc runs and the repository checks clean.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, initRepo, makeTempDir, parseErrorLine, runCli, runCliAsync, startCli } from '../helpers/cli.js';
import { chooseSeed, makeRng, randomBytesFrom } from './_support.js';

const tmp = makeTempDir('strata-gclock-');
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

const HOST = hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';
const LIBRARY = new URL('../../dist/plumbing/index.js', import.meta.url).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A script that takes a repository lock through the built library and holds it until stdin closes. */
const HOLDER = join(tmp.dir, 'hold-lock.mjs');
writeFileSync(
  HOLDER,
  `import { openRepository, acquireRepoLock } from ${JSON.stringify(LIBRARY)};
const [repoPath, kind, command] = process.argv.slice(2);
const repo = await openRepository({ repo: repoPath });
const lock = await acquireRepoLock({ repo, kind, command });
process.stdout.write('locked ' + lock.file + '\\n');
process.stdin.on('end', () => { lock.release(); process.stdout.write('released\\n'); process.exit(0); });
process.stdin.resume();
`,
);

interface Holder {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  file: string;
  /** Closes stdin: the holder releases its lock and exits. */
  release(): Promise<void>;
}

/** Starts a process that holds a lock of `kind` for `command`; resolves once it holds it. */
async function holdLock(repo: string, kind: 'shared' | 'exclusive', command: string): Promise<Holder> {
  const child = spawn(process.execPath, [HOLDER, repo, kind, command], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const file = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^locked (\S+)\n/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid as number,
    file,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

function isWritten(path: string): boolean {
  try {
    return typeof JSON.parse(readFileSync(path, 'utf8')).pid === 'number';
  } catch {
    return false;
  }
}

function lockFiles(repo: string): string[] {
  return existsSync(join(repo, 'locks')) ? readdirSync(join(repo, 'locks')) : [];
}

let counter = 0;
/** A repository with one snapshot of a small folder, plus an unreachable object for gc to find. */
function repository(): { repo: string; work: string } {
  const base = join(tmp.dir, `r${++counter}`);
  const work = join(base, 'work');
  mkdirSync(join(work, 'sub'), { recursive: true });
  writeFileSync(join(work, 'a.txt'), 'alpha\n');
  writeFileSync(join(work, 'sub', 'b.txt'), 'beta\n');
  const repo = join(base, 'repo');
  initRepo(repo);
  cliOk(repo, ['snapshot', work]);
  writeFileSync(join(base, 'loose.txt'), `unreachable ${counter}\n`);
  cliOk(repo, ['hash-object', '-w', join(base, 'loose.txt')]);
  return { repo, work };
}

describe('gc against live lock holders', () => {
  it('a live shared lock (a snapshot) makes gc and forget exit 11 naming it; readers still run; gc runs once it is released', async () => {
    const { repo } = repository();
    const holder = await holdLock(repo, 'shared', 'snapshot');
    try {
      const [gc, dry, forget, check, stats] = await Promise.all([
        runCliAsync(['gc', '--repo', repo]),
        runCliAsync(['gc', '--dry-run', '--repo', repo]),
        runCliAsync(['forget', '--keep-last', '1', '--repo', repo]),
        runCliAsync(['check', '--repo', repo]),
        runCliAsync(['stats', '--repo', repo]),
      ]);
      for (const r of [gc, dry, forget]) {
        expect(r.code, describeResult(r)).toBe(11);
        const e = parseErrorLine(r.stderr);
        expect(e?.code).toBe('LOCKED');
        expect(e?.message).toContain(`the repository is busy: snapshot (shared lock, process ${holder.pid} on ${HOST} since `);
        expect(e?.hint).toMatch(/strata unlock --all/);
      }
      expect(check.code, describeResult(check)).toBe(0);
      expect(stats.code, describeResult(stats)).toBe(0);
      // A live lock is not stale: unlock leaves it.
      const unlock = runCli(['unlock', '--repo', repo]);
      expect(unlock.stdout).toContain(`left live shared lock of snapshot (process ${holder.pid} on ${HOST}`);
      expect(lockFiles(repo)).toEqual([holder.file]);
      // JSON errors carry the holder too.
      const json = runCli(['gc', '--json', '--repo', repo]);
      expect(json.code).toBe(11);
      expect(JSON.parse(json.stderr.trim())).toMatchObject({ message_type: 'error', code: 'LOCKED', exitCode: 11, data: { pid: holder.pid, host: HOST, command: 'snapshot', kind: 'shared' } });
    } finally {
      await holder.release();
    }
    expect(lockFiles(repo)).toEqual([]);
    const gc = runCli(['gc', '--json', '--repo', repo]);
    expect(gc.code, describeResult(gc)).toBe(0);
    expect(JSON.parse(gc.stdout).total.objects).toBe(1);
  });

  it("gc's exclusive lock makes snapshot, check, stats and another gc exit 11 naming it", async () => {
    const { repo, work } = repository();
    const holder = await holdLock(repo, 'exclusive', 'gc');
    try {
      const results = await Promise.all(
        [['snapshot', work], ['check'], ['stats'], ['gc'], ['forget', '--keep-last', '1']].map((args) => runCliAsync([...args, '--repo', repo])),
      );
      for (const r of results) {
        expect(r.code, describeResult(r)).toBe(11);
        expect(parseErrorLine(r.stderr)?.message).toContain(`the repository is busy: gc (exclusive lock, process ${holder.pid} on ${HOST} since `);
      }
      // A dry-run forget deletes nothing and takes no lock.
      expect(runCli(['forget', '--keep-last', '1', '--dry-run', '--repo', repo]).code).toBe(0);
      expect(lockFiles(repo)).toEqual([holder.file]);
    } finally {
      await holder.release();
    }
    expect(runCli(['snapshot', work, '--repo', repo]).code).toBe(0);
  });

  it('a snapshot told to --wait waits for gc to finish, then succeeds', async () => {
    const { repo, work } = repository();
    const holder = await holdLock(repo, 'exclusive', 'gc');
    const snap = startCli(['snapshot', work, '--wait', '30', '--json', '--repo', repo]);
    await sleep(1500);
    expect(snap.child.exitCode).toBeNull(); // still waiting
    await holder.release();
    const r = await snap.done;
    expect(r.code, describeResult(r)).toBe(0);
    expect(runCli(['check', '--repo', repo]).code).toBe(0);
  });
});

describe('a lock left by a killed process', () => {
  it('the holder is SIGKILLed: gc reports a stale lock (exit 11) until unlock clears it, then runs', async () => {
    const { repo } = repository();
    const holder = await holdLock(repo, 'shared', 'restore');
    holder.child.kill('SIGKILL');
    await new Promise((r) => holder.child.once('exit', r));
    expect(lockFiles(repo)).toEqual([holder.file]);

    const gc = runCli(['gc', '--repo', repo]);
    expect(gc.code, describeResult(gc)).toBe(11);
    const e = parseErrorLine(gc.stderr);
    expect(e?.code).toBe('STALE_LOCK');
    expect(e?.message).toMatch(new RegExp(`^the repository is locked by restore \\(shared lock, process ${holder.pid} on \\S+ since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\), which is no longer running$`));
    expect(e?.message).toContain(` on ${HOST} since `);
    expect(e?.hint).toMatch(/strata unlock/);

    const listed = runCli(['unlock', '--list', '--repo', repo]);
    expect(listed.stdout).toMatch(new RegExp(`^stale shared lock of restore \\(process ${holder.pid} on ${HOST.replace(/[.]/g, '\\.')}, since .*\\): locks/${holder.file.replace(/[.]/g, '\\.')}\\n$`));
    const unlock = runCli(['unlock', '--repo', repo]);
    expect(unlock.code).toBe(0);
    expect(unlock.stdout).toMatch(new RegExp(`^removed stale shared lock of restore \\(process ${holder.pid} on `));
    expect(lockFiles(repo)).toEqual([]);

    const after = runCli(['gc', '--repo', repo]);
    expect(after.code, describeResult(after)).toBe(0);
    expect(after.stdout).toMatch(/^freed \d+ B in 1 object:\n  held by no version \(left by interrupted writes\): \d+ B in 1 object\n$/);
  });

  it('a real snapshot stopped holding its lock blocks gc; killed, its lock is stale; unlock, gc and check recover', async () => {
    const seed = chooseSeed('gc-lock');
    const rng = makeRng(seed);
    const { repo, work } = repository();
    // Enough data that the snapshot is still running when its lock appears.
    const big = join(work, 'big');
    mkdirSync(big, { recursive: true });
    for (let i = 0; i < 24; i++) writeFileSync(join(big, `asset-${i}.bin`), randomBytesFrom(rng, 2 * 1024 * 1024));
    for (let i = 0; i < 600; i++) writeFileSync(join(big, `src-${i}.txt`), `file ${i} ${'x'.repeat(i * 7)}\n`);

    let stopped: ReturnType<typeof startCli> | undefined;
    for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
      const before = new Set(lockFiles(repo));
      const snap = startCli(['snapshot', work, '--rescan', '--repo', repo]);
      while (snap.child.exitCode === null && snap.child.signalCode === null) {
        // Stop it once its lock file is written (not between creating and writing it).
        if (lockFiles(repo).some((f) => !before.has(f) && isWritten(join(repo, 'locks', f)))) {
          snap.kill('SIGSTOP');
          stopped = snap;
          break;
        }
        await sleep(2);
      }
      if (!stopped) await snap.done; // it finished before we saw its lock: try again
    }
    expect(stopped, 'a snapshot was caught holding its lock').toBeDefined();
    const snap = stopped as ReturnType<typeof startCli>;
    try {
      const gc = await runCliAsync(['gc', '--repo', repo]);
      expect(gc.code, describeResult(gc)).toBe(11);
      expect(parseErrorLine(gc.stderr)?.message).toContain(`snapshot (shared lock, process ${snap.pid} on ${HOST}`);
    } finally {
      snap.kill('SIGKILL'); // a stopped process is killed all the same
    }
    const r = await snap.done;
    expect(r.signal).toBe('SIGKILL');

    const stale = runCli(['gc', '--repo', repo]);
    expect(stale.code).toBe(11);
    expect(parseErrorLine(stale.stderr)).toMatchObject({ code: 'STALE_LOCK' });
    expect(parseErrorLine(stale.stderr)?.message).toContain(`process ${snap.pid}`);
    expect(runCli(['unlock', '--repo', repo]).stdout).toContain(`removed stale shared lock of snapshot (process ${snap.pid}`);

    const gc = runCli(['gc', '--json', '--repo', repo]);
    expect(gc.code, describeResult(gc)).toBe(0);
    const check = runCli(['check', '--read-data', '--json', '--repo', repo]);
    expect(check.code, describeResult(check)).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, dangling: 0 });
    // The next snapshot succeeds and the repository is still sound.
    expect(runCli(['snapshot', work, '--repo', repo]).code).toBe(0);
    expect(runCli(['check', '--repo', repo]).code).toBe(0);
  });
});
