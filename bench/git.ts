/**
 * Benchmark of the git bridge (`strata git export`) against git itself: `npm run bench:git` (after
 * `npm run build`).
 *
 *   node dist/bench/git.js [--quick] [--keep]
 *
 * Data: a deterministic project (seed 20268) of 10,000 text-like files of 1-8 KiB, twenty to a folder
 * (about 45 MB), in 100 states: each state after the first rewrites 50 files, adds 5 and deletes 1.
 * `--quick`: 500 files in 10 states, 20 rewritten per state (the target then reads n/a).
 *
 * What is timed, and how:
 * - git: for each state, written into a git work tree, `git add -A` then `git commit -q` (two timed
 *   processes; their sum over the states is git's time). git runs without user or system configuration,
 *   `core.autocrlf false`, gc and maintenance off, loose objects; `.strata` is excluded.
 * - strata: the same states are snapshotted through the porcelain library (untimed setup), then
 *   `strata git export <new bare repository> --json` runs once (the built CLI, start-up included): all
 *   the versions as commits. A second export after one more version is timed as the incremental case,
 *   and, with no target, `strata git import` of git's own history of the states into a new repository.
 * - Checked after each export: git fsck, the number of commits, and the exported tip's tree id equal to
 *   the tree id of git's own last commit (same files, same modes, so the very same git tree).
 * Target (issue 8): the export takes less than 3x git's total. Output: a table, the target with
 * PASS/MISS, the notes and one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { snapshot } from '../porcelain/index.js';
import { initRepository, openRepository } from '../plumbing/index.js';
import { GIT_ENV, log, megabytes, STRATA_BIN } from './lib/context.js';
import { renderTargets, type TargetRow } from './lib/porcelain-report.js';
import { ProcessRunner, type RunResult } from './lib/proc.js';
import { Report, renderGrid, renderJson } from './lib/report.js';
import { cleanupOnExit, noteLoad, parseOrExit, renderNotes, runContext } from './lib/session.js';

const SEED = 20268;
const RATIO_LIMIT = 3;

interface Sizes {
  files: number;
  states: number;
  changed: number;
  added: number;
  deleted: number;
}
const FULL: Sizes = { files: 10_000, states: 100, changed: 50, added: 5, deleted: 1 };
const QUICK: Sizes = { files: 500, states: 10, changed: 20, added: 2, deleted: 1 };

const USAGE = `usage: node dist/bench/git.js [--quick] [--keep]
  --quick  ${QUICK.files} files in ${QUICK.states} states instead of ${FULL.files} in ${FULL.states}; the target does not apply
  --keep   keep the temp folder`;

function parseArgs(argv: readonly string[]): { quick: boolean; keep: boolean } {
  let quick = false;
  let keep = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { quick, keep };
}

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const WORDS = ['level', 'enemy', 'spawn', 'texture', 'shader', 'player', 'health', 'score', 'audio', 'mesh', 'frame', 'input', 'camera', 'light', 'world', 'physics'];

function fileText(random: () => number, tag: string): string {
  const target = 1024 + Math.floor(random() * 7 * 1024);
  const lines: string[] = [`// ${tag}`];
  let size = lines[0]?.length ?? 0;
  while (size < target) {
    const line = `${WORDS[Math.floor(random() * WORDS.length)]}_${Math.floor(random() * 1e6)} = ${Math.floor(random() * 1e9)};`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Writes state 0 into `dir`, then yields a function that moves it to the next state. */
function project(dir: string, sizes: Sizes): { files: string[]; next(state: number): void } {
  const random = rng(SEED);
  const files: string[] = [];
  for (let i = 0; i < sizes.files; i++) {
    const path = `src/m${String(Math.floor(i / 20)).padStart(3, '0')}/f${String(i % 20).padStart(2, '0')}.txt`;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), fileText(random, path));
    files.push(path);
  }
  let added = 0;
  return {
    files,
    next(state) {
      for (let k = 0; k < sizes.changed; k++) {
        const path = files[Math.floor(random() * files.length)] as string;
        writeFileSync(join(dir, path), fileText(random, `${path} @${state}`));
      }
      for (let k = 0; k < sizes.added; k++) {
        const path = `src/new/s${String(state).padStart(3, '0')}/a${added++}.txt`;
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), fileText(random, path));
        files.push(path);
      }
      for (let k = 0; k < sizes.deleted; k++) {
        const at = Math.floor(random() * files.length);
        rmSync(join(dir, files[at] as string));
        files.splice(at, 1);
      }
    },
  };
}

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Row {
  label: string;
  seconds: number | null;
  cpuSeconds: number | null;
  peakRssBytes: number | null;
  detail: string;
}

async function main(): Promise<void> {
  const options = parseOrExit(() => parseArgs(process.argv.slice(2)));
  const sizes = options.quick ? QUICK : FULL;
  const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-git-'));
  cleanupOnExit(workDir, options.keep);
  const runner = new ProcessRunner(workDir);
  const report = new Report();
  log(`temp folder ${workDir}; ${sizes.files} files in ${sizes.states} states`);
  const loadStart = loadavg()[0] ?? 0;
  noteLoad(report, 'at the start', loadStart);
  const start = process.hrtime.bigint();
  let failures = 0;
  const rows: Row[] = [];
  let gitTotal: RunResult[] = [];
  let exportRun: RunResult | null = null;
  let importSeconds: number | null = null;

  try {
    const work = join(workDir, 'work');
    mkdirSync(work);
    const gitEnv = { ...GIT_ENV };
    git(work, ['init', '--quiet', '--initial-branch=main']);
    for (const [k, v] of [['core.autocrlf', 'false'], ['gc.auto', '0'], ['maintenance.auto', 'false'], ['core.fsmonitor', 'false']]) git(work, ['config', k as string, v as string]);
    writeFileSync(join(work, '.git/info/exclude'), '.strata\n');
    await initRepository({ dir: work });
    const repo = await openRepository({ repo: join(work, '.strata') });
    const p = project(work, sizes);
    let snapshotSeconds = 0;
    for (let state = 0; state < sizes.states; state++) {
      if (state > 0) p.next(state);
      spawnSync('sync');
      const add = await runner.run('git', ['add', '-A'], { cwd: work, env: gitEnv });
      const commit = await runner.run('git', ['commit', '--quiet', '-m', `state ${state}`], { cwd: work, env: gitEnv });
      gitTotal.push(add, commit);
      const t0 = process.hrtime.bigint();
      await snapshot({ repo, source: work, exclude: ['/.git'], name: `state ${state}` });
      snapshotSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      if (state % 10 === 9) log(`state ${state + 1}/${sizes.states}`);
    }
    const gitSeconds = gitTotal.reduce((s, r) => s + r.seconds, 0);
    const gitCpu = gitTotal.reduce((s, r) => s + (r.cpuSeconds ?? 0), 0);
    rows.push({ label: `git add -A && git commit, ${sizes.states} states (sum)`, seconds: gitSeconds, cpuSeconds: gitCpu, peakRssBytes: Math.max(...gitTotal.map((r) => r.peakRssBytes ?? 0)), detail: `first state ${(gitTotal[0]!.seconds + gitTotal[1]!.seconds).toFixed(2)} s` });
    report.note('setup', `${sizes.states} strata snapshots through the library in ${snapshotSeconds.toFixed(1)} s (untimed)`);

    const bare = join(workDir, 'export.git');
    git(workDir, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    spawnSync('sync');
    exportRun = await runner.run(process.execPath, [STRATA_BIN, '--repo', join(work, '.strata'), 'git', 'export', bare, '--json'], { captureStdout: true });
    const out = JSON.parse(exportRun.stdout.toString('utf8')) as { commits: unknown[]; head: string; objectsWritten: number; bytesWritten: number };
    if (out.commits.length !== sizes.states) throw new Error(`export wrote ${out.commits.length} commits, not ${sizes.states}`);
    const want = git(work, ['rev-parse', 'HEAD^{tree}']).trim();
    const got = git(bare, ['rev-parse', `${out.head}^{tree}`]).trim();
    if (want !== got) throw new Error(`the exported tip's tree ${got} is not git's own ${want}`);
    git(bare, ['fsck', '--no-dangling']);
    rows.push({ label: `strata git export, ${sizes.states} versions`, seconds: exportRun.seconds, cpuSeconds: exportRun.cpuSeconds, peakRssBytes: exportRun.peakRssBytes, detail: `${out.objectsWritten} objects, ${(out.bytesWritten / 1e6).toFixed(1)} MB; tip tree = git's` });

    // Incremental: one more version, exported alone.
    p.next(sizes.states);
    await snapshot({ repo, source: work, exclude: ['/.git'], name: 'one more' });
    spawnSync('sync');
    const inc = await runner.run(process.execPath, [STRATA_BIN, '--repo', join(work, '.strata'), 'git', 'export', bare, '--json'], { captureStdout: true });
    const incOut = JSON.parse(inc.stdout.toString('utf8')) as { commits: unknown[] };
    if (incOut.commits.length !== 1) throw new Error(`the incremental export wrote ${incOut.commits.length} commits, not 1`);
    rows.push({ label: 'strata git export, 1 new version', seconds: inc.seconds, cpuSeconds: inc.cpuSeconds, peakRssBytes: inc.peakRssBytes, detail: 'incremental' });

    // The other way (no target): git's own history of the states (the last one committed too, untimed),
    // imported into a new strata repository.
    git(work, ['add', '-A']);
    git(work, ['commit', '--quiet', '-m', 'one more']);
    const other = join(workDir, 'imported');
    mkdirSync(other);
    await initRepository({ dir: other });
    spawnSync('sync');
    const imp = await runner.run(process.execPath, [STRATA_BIN, '--repo', join(other, '.strata'), 'git', 'import', work, '--json'], { captureStdout: true });
    const impOut = JSON.parse(imp.stdout.toString('utf8')) as { versions: unknown[] };
    if (impOut.versions.length !== sizes.states + 1) throw new Error(`the import made ${impOut.versions.length} versions, not ${sizes.states + 1}`);
    rows.push({ label: `strata git import, ${sizes.states + 1} commits made by git`, seconds: imp.seconds, cpuSeconds: imp.cpuSeconds, peakRssBytes: imp.peakRssBytes, detail: 'no target' });
    importSeconds = imp.seconds;
  } catch (err) {
    failures++;
    const message = err instanceof Error ? err.message : String(err);
    report.note('git-export', `FAILED: ${message}`);
    log(`FAILED: ${message}`);
  }
  const totalSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const loadEnd = loadavg()[0] ?? 0;
  noteLoad(report, 'at the end', loadEnd);

  const gitSeconds = gitTotal.length > 0 ? gitTotal.reduce((s, r) => s + r.seconds, 0) : null;
  const ratio = exportRun && gitSeconds ? exportRun.seconds / gitSeconds : null;
  // CPU time is less sensitive than wall time to other processes on a shared machine: shown beside it, no target.
  const gitCpu = gitTotal.length > 0 ? gitTotal.reduce((s, r) => s + (r.cpuSeconds ?? 0), 0) : null;
  const cpuRatio = exportRun?.cpuSeconds && gitCpu ? exportRun.cpuSeconds / gitCpu : null;
  const target: TargetRow = { key: 'export_vs_git_ratio', label: `git export of ${FULL.states} versions of ${FULL.files.toLocaleString('en-US')} files / git add+commit`, value: ratio, unit: 'x', digits: 2, target: { comparison: 'below', limit: RATIO_LIMIT } };
  const targets = [options.quick ? { ...target, notApplicable: '--quick: targets apply to a full run' } : ratio === null ? { ...target, notApplicable: 'not measured' } : target];
  const fixed = (v: number | null, d: number): string => (v === null ? '' : v.toFixed(d));
  process.stdout.write(`\nstrata git benchmark, ${options.quick ? '--quick' : 'full'} run, ${totalSeconds.toFixed(0)} s\n\n`);
  process.stdout.write(`${renderGrid(['command', 'seconds', 'CPU s', 'peak RSS MB', 'note'], rows.map((r) => [r.label, fixed(r.seconds, 3), fixed(r.cpuSeconds, 2), fixed(megabytes(r.peakRssBytes), 0), r.detail]), [false, true, true, true, false])}\n\n`);
  process.stdout.write(`ratio export / git: ${ratio === null ? 'n/a' : ratio.toFixed(2)} (wall), ${cpuRatio === null ? 'n/a' : cpuRatio.toFixed(2)} (CPU)\n\n`);
  process.stdout.write(`${renderTargets(targets)}\n\n`);
  process.stdout.write(renderNotes(report));
  const add = report.forCase('git-export');
  add('git_add_commit_s', 'git add -A && git commit over all states', gitSeconds, 's', 3);
  add('strata_export_s', 'strata git export of all versions', exportRun?.seconds ?? null, 's', 3);
  add('export_vs_git_cpu_ratio', 'CPU time of the export / CPU time of git add+commit (no target)', cpuRatio, 'x', 2);
  add('strata_import_s', 'strata git import of git\'s own history of the states', importSeconds, 's', 3);
  add('strata_export_peak_rss_mb', 'strata git export: peak RSS', megabytes(exportRun?.peakRssBytes ?? null), 'MB', 0);
  const t = targets[0] as TargetRow;
  report.forCase('targets')(t.key, t.label, t.value, t.unit, t.digits, t.notApplicable === undefined ? t.target : undefined);
  const context = { quick: options.quick, targetsApply: !options.quick, files: sizes.files, states: sizes.states, ...runContext(runner.rssMethod, { totalSeconds, loadStart, loadEnd, failures }) };
  process.stdout.write(`${renderJson(report, context, 'git')}\n`);
  if (failures > 0) process.exitCode = 1;
}

await main();
