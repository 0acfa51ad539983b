/**
 * Bad input gets one clear error: `error[CODE]: message` (plus at most a `hint:` line) on stderr, the
 * documented exit code, never a stack trace, and with --json one JSON error object carrying the code and
 * the exit code. A usage error must also stop the command: nothing may run after it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliOk,
  cliOkAsync,
  describeResult,
  initRepo,
  makeTempDir,
  parseErrorLine,
  parseJsonLines,
  runCliAsync,
  type CliOptions,
  type CliResult,
} from '../helpers/cli.js';
import { listObjectFiles, objectId } from './_support.js';

/** One error line (+ optional hint), no stack trace. */
function expectCleanError(r: CliResult, code: string, exit: number): void {
  const what = describeResult(r);
  expect(r.code, what).toBe(exit);
  expect(r.stderr, `no stack trace\n${what}`).not.toMatch(/^\s+at /m);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines.length, `at most an error line and a hint line\n${what}`).toBeLessThanOrEqual(2);
  expect(lines[0], what).toMatch(/^error\[[A-Z_]+\]: \S/);
  expect(parseErrorLine(r.stderr)?.code, what).toBe(code);
  if (lines.length === 2) expect(lines[1], `the second line must be the hint (the message itself must be one line)\n${what}`).toMatch(/^hint: \S/);
}

/** With --json: exactly one JSON line on stderr with the code and the exit code. */
function expectJsonError(r: CliResult, code: string, exit: number): void {
  const what = describeResult(r);
  expect(r.code, what).toBe(exit);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines, `one JSON line on stderr\n${what}`).toHaveLength(1);
  const [json] = parseJsonLines(r.stderr);
  expect(json, what).toBeDefined();
  expect(json, what).toMatchObject({ message_type: 'error', code, exitCode: exit });
  expect(typeof json?.message, what).toBe('string');
}

/** Two contents whose blob ids share their first 4 hex digits (searched deterministically). */
function collidingContents(): { a: string; b: string; prefix: string } {
  const seen = new Map<string, string>();
  for (let n = 0; ; n++) {
    const content = `collide ${n}\n`;
    const prefix = objectId('blob', Buffer.from(content)).slice(0, 4);
    const other = seen.get(prefix);
    if (other !== undefined) return { a: other, b: content, prefix };
    seen.set(prefix, content);
  }
}

describe.concurrent('bad input', () => {
  const tmp = makeTempDir('strata-badinput-');
  const repo = join(tmp.dir, 'repo');
  const empty = join(tmp.dir, 'empty');
  let treeId = '';
  let ambiguous = '';

  /** A copy of the test repository with its config replaced (made lazily, once per name). */
  const repoWithConfig = (name: string, config: string): string => {
    const path = join(tmp.dir, name);
    if (existsSync(path)) return path;
    cpSync(repo, path, { recursive: true });
    chmodSync(join(path, 'config'), 0o644);
    writeFileSync(join(path, 'config'), config);
    return path;
  };

  beforeAll(() => {
    initRepo(repo);
    mkdirSync(empty);
    const data = join(tmp.dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'a.txt'), 'hello\n');
    treeId = cliOk(repo, ['write-tree', data]);
    const { a, b, prefix } = collidingContents();
    writeFileSync(join(tmp.dir, 'collide-a'), a);
    writeFileSync(join(tmp.dir, 'collide-b'), b);
    const ids = cliOk(repo, ['hash-object', '-w', join(tmp.dir, 'collide-a'), join(tmp.dir, 'collide-b')]).split('\n');
    expect(ids.map((id) => id.slice(0, 4))).toEqual([prefix, prefix]);
    ambiguous = prefix;
  });

  afterAll(() => tmp.cleanup());

  interface Case {
    what: string;
    args: () => string[];
    code: string;
    exit: number;
    options?: () => CliOptions;
    /** Extra checks on the plain (non-JSON) run. */
    check?: (r: CliResult) => void;
    /** Also run with --json and check the JSON error object (one case per kind of failure, to save time). */
    json?: boolean;
  }

  const hex65 = 'a'.repeat(65);
  const cases: Case[] = [
    { what: 'cat-file -p zzzz (not hex, not a ref)', args: () => ['cat-file', '-p', 'zzzz', '--repo', repo], code: 'UNKNOWN_REVISION', exit: 1 },
    { what: 'cat-file -p 12 (too short a prefix)', args: () => ['cat-file', '-p', '12', '--repo', repo], code: 'INVALID_ID', exit: 1, json: true },
    { what: 'cat-file -p <65 hex digits>', args: () => ['cat-file', '-p', hex65, '--repo', repo], code: 'INVALID_ID', exit: 1 },
    {
      what: 'cat-file -p <ambiguous 4-digit prefix>',
      args: () => ['cat-file', '-p', ambiguous, '--repo', repo],
      code: 'AMBIGUOUS_ID',
      exit: 1,
      json: true,
      check: (r) => expect(r.stderr).toContain(ambiguous),
    },
    { what: 'rev-parse <ambiguous prefix>', args: () => ['rev-parse', ambiguous, '--repo', repo], code: 'AMBIGUOUS_ID', exit: 1 },
    { what: 'rev-parse nosuchbranch', args: () => ['rev-parse', 'nosuchbranch', '--repo', repo], code: 'UNKNOWN_REVISION', exit: 1, json: true },
    { what: 'rev-parse HEAD in a repository without versions', args: () => ['rev-parse', 'HEAD', '--repo', repo], code: 'UNKNOWN_REVISION', exit: 1 },
    { what: 'ls-tree of a blob', args: () => ['ls-tree', objectId('blob', Buffer.from('hello\n')), '--repo', repo], code: 'WRONG_KIND', exit: 1 },
    { what: 'cat-file of a path that is not in the tree', args: () => ['cat-file', '-p', `${treeId}:nope`, '--repo', repo], code: 'PATH_NOT_FOUND', exit: 1 },
    { what: 'update-ref with an invalid ref name', args: () => ['update-ref', 'refs/heads/a..b', treeId, '--repo', repo], code: 'INVALID_REF_NAME', exit: 1 },
    { what: 'update-ref to an object that is not stored', args: () => ['update-ref', 'refs/heads/x', 'f'.repeat(64), '--repo', repo], code: 'OBJECT_MISSING', exit: 12, json: true },
    { what: '--repo <a folder that is not a repository>', args: () => ['cat-file', '-p', 'abcd', '--repo', empty], code: 'NO_REPOSITORY', exit: 10, json: true },
    { what: 'STRATA_REPO=<a folder that is not a repository>', args: () => ['fsck'], options: () => ({ env: { STRATA_REPO: empty } }), code: 'NO_REPOSITORY', exit: 10 },
    {
      what: 'formatVersion 99 in the config',
      args: () => ['cat-file', '-p', 'abcd', '--repo', repoWithConfig('v99', readFileSync(join(repo, 'config'), 'utf8').replace('"formatVersion":1', '"formatVersion":99'))],
      code: 'FORMAT_UNSUPPORTED',
      exit: 1,
      json: true,
      check: (r) => expect(parseErrorLine(r.stderr)?.message).toContain('99'),
    },
    {
      what: 'a config that is not JSON',
      args: () => ['fsck', '--repo', repoWithConfig('garbage', 'this is {not json\n')],
      code: 'CONFIG_INVALID',
      exit: 1,
      json: true,
    },
    {
      what: 'a config with missing fields',
      args: () => ['fsck', '--repo', repoWithConfig('partial', '{"format":"strata","formatVersion":1}\n')],
      code: 'CONFIG_INVALID',
      exit: 1,
    },
    {
      what: 'a config with an unknown field',
      args: () => ['fsck', '--repo', repoWithConfig('unknownfield', readFileSync(join(repo, 'config'), 'utf8').replace('"hash":"sha256"', '"hash":"sha256","zzz":1'))],
      code: 'CONFIG_INVALID',
      exit: 1,
    },
    { what: 'an unknown command', args: () => ['frobnicate', '--repo', repo], code: 'USAGE', exit: 2, json: true },
    {
      what: 'an unknown option (cat-file -p <id> --bogus): usage error, and the command does not run',
      args: () => ['cat-file', '-p', treeId, '--bogus', '--repo', repo],
      code: 'USAGE',
      exit: 2,
      json: true,
      check: (r) => expect(r.stdout, 'nothing may run after a usage error').toBe(''),
    },
    {
      what: 'a missing required argument (write-tree without a folder)',
      args: () => ['write-tree', '--repo', repo],
      code: 'USAGE',
      exit: 2,
      json: true,
    },
    { what: 'help with an unknown topic', args: () => ['help', 'nosuchtopic'], code: 'USAGE', exit: 2, check: (r) => expect(r.stdout).toBe('') },
    { what: 'cat-file without -t/-s/-p', args: () => ['cat-file', treeId, '--repo', repo], code: 'USAGE', exit: 2 },
    { what: 'prune --expire with a bad duration', args: () => ['prune', '--expire', 'soon', '--repo', repo], code: 'USAGE', exit: 2 },
    {
      what: 'init with min chunk > max chunk',
      args: () => ['init', '--repo', join(tmp.dir, 'never-created'), '--min-chunk', '100000', '--max-chunk', '4096'],
      code: 'INVALID_ARGUMENT',
      exit: 2,
      json: true,
      check: () => expect(existsSync(join(tmp.dir, 'never-created', 'config')), 'no repository is created').toBe(false),
    },
    {
      what: 'init with a chunk size that is not a size',
      args: () => ['init', '--repo', join(tmp.dir, 'never-created-2'), '--avg-chunk', 'big'],
      code: 'USAGE',
      exit: 2,
    },
    {
      what: 'init with compression level 12',
      args: () => ['init', '--repo', join(tmp.dir, 'never-created-3'), '--compression-level', '12'],
      code: 'INVALID_ARGUMENT',
      exit: 2,
    },
    { what: 'write-tree of a folder that does not exist', args: () => ['write-tree', join(tmp.dir, 'nope'), '--repo', repo], code: 'FILE_NOT_FOUND', exit: 1 },
    { what: 'init where a repository already is', args: () => ['init', '--repo', repo], code: 'REPO_EXISTS', exit: 1 },
  ];

  it.each(cases.map((c, i) => [`${c.what}${c.json ? ' (and with --json)' : ''}`, i] as const))('%s: one clear error line, right code and exit code', async (_what, i) => {
    const c = cases[i] as Case;
    const options = c.options?.() ?? {};
    const args = c.args();
    const [plain, json] = await Promise.all([runCliAsync(args, options), c.json ? runCliAsync([...args, '--json'], options) : undefined]);
    expectCleanError(plain, c.code, c.exit);
    c.check?.(plain);
    if (json) expectJsonError(json, c.code, c.exit);
  });

  it('discovery from a folder with no .strata above it: exit 10 NO_REPOSITORY (plain and --json)', async () => {
    const cwd = join(tmp.dir, 'no-repo-here', 'deeper');
    mkdirSync(cwd, { recursive: true });
    for (let dir = cwd; ; dir = dirname(dir)) {
      if (existsSync(join(dir, '.strata', 'config'))) {
        console.warn(`[bad-input] skipping discovery check: ${dir} holds a repository`);
        return;
      }
      if (dirname(dir) === dir) break;
    }
    const r = await runCliAsync(['cat-file', '-p', 'abcd'], { cwd });
    expectCleanError(r, 'NO_REPOSITORY', 10);
    expect(r.stderr).toContain(cwd);
    expectJsonError(await runCliAsync(['rev-parse', 'HEAD', '--json'], { cwd }), 'NO_REPOSITORY', 10);
  });

  it('a mistyped option on prune is a usage error and prunes nothing', async () => {
    const r2 = join(tmp.dir, 'prune-typo');
    expect((await runCliAsync(['init', '--repo', r2])).code).toBe(0);
    writeFileSync(join(tmp.dir, 'loose.txt'), 'unreachable\n');
    await cliOkAsync(r2, ['hash-object', '-w', join(tmp.dir, 'loose.txt')]);
    expect(listObjectFiles(r2).objects).toHaveLength(1);
    // --dry-rnu is a typo of --dry-run: the user asked for a dry run.
    const r = await runCliAsync(['prune', '--expire', 'now', '--dry-rnu', '--repo', r2]);
    expect(r.code, describeResult(r)).toBe(2);
    expect(parseErrorLine(r.stderr)?.code).toBe('USAGE');
    expect(listObjectFiles(r2).objects, `prune ran despite the usage error\n${describeResult(r)}`).toHaveLength(1);
  });

  it('a mistyped option on init is a usage error and creates no repository', async () => {
    const target = join(tmp.dir, 'init-typo');
    const r = await runCliAsync(['init', '--repo', target, '--min-chunck', '4096']);
    expect(r.code, describeResult(r)).toBe(2);
    expect(parseErrorLine(r.stderr)?.code).toBe('USAGE');
    expect(existsSync(join(target, 'config')), `init ran despite the usage error\n${describeResult(r)}`).toBe(false);
  });

  it('an unreadable file and folder in write-tree: warnings, exit 3, and the rest is stored', async () => {
    // Root reads everything; as root the CLI runs without the capabilities that bypass file
    // permissions (setpriv, from util-linux), so the 000 modes below apply to it too.
    const asRoot = process.getuid?.() === 0;
    const as = asRoot
      ? { wrap: ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'] }
      : {};
    const base = join(tmp.dir, 'partial-base');
    mkdirSync(base, { recursive: true });
    const data = join(base, 'data');
    const store = join(base, 'store');
    mkdirSync(join(data, 'sub'), { recursive: true });
    mkdirSync(join(data, 'locked'), { recursive: true });
    writeFileSync(join(data, 'ok.txt'), 'readable\n');
    writeFileSync(join(data, 'sub', 'also-ok.txt'), 'readable too\n');
    writeFileSync(join(data, 'locked', 'inside.txt'), 'hidden\n');
    writeFileSync(join(data, 'secret.txt'), 'unreadable\n');
    initRepo(store);
    chmodSync(join(data, 'secret.txt'), 0o000);
    chmodSync(join(data, 'locked'), 0o000);
    try {
      const r = await runCliAsync(['write-tree', data, '--repo', store], as);
      expect(r.code, describeResult(r)).toBe(3);
      expect(r.stderr).toMatch(/^warning: .*secret\.txt/m);
      expect(r.stderr).toMatch(/^warning: .*locked/m);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      const id = r.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const listing = await cliOkAsync(store, ['ls-tree', '-r', id]);
      expect(listing).toContain('ok.txt');
      expect(listing).toContain('sub/also-ok.txt');
      expect(listing).not.toContain('secret.txt');
      expect(listing).not.toContain('inside.txt');
      const j = await runCliAsync(['write-tree', data, '--repo', store, '--json'], as);
      expect(j.code).toBe(3);
      expect(parseJsonLines(j.stderr).some((w) => w.message_type === 'warning' && w.code === 'UNREADABLE')).toBe(true);
    } finally {
      chmodSync(join(data, 'secret.txt'), 0o644);
      chmodSync(join(data, 'locked'), 0o755);
    }
  });

  it('a FIFO in write-tree is skipped with a warning (special files are not stored), exit 0', async () => {
    const data = join(tmp.dir, 'with-fifo');
    mkdirSync(data);
    writeFileSync(join(data, 'ok.txt'), 'fine\n');
    try {
      execFileSync('mkfifo', [join(data, 'pipe')]);
    } catch {
      console.warn('[bad-input] mkfifo is not available; FIFO check skipped');
      return;
    }
    const r = await runCliAsync(['write-tree', data, '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*pipe/m);
    const listing = await cliOkAsync(repo, ['ls-tree', r.stdout.trim()]);
    expect(listing).toContain('ok.txt');
    expect(listing).not.toContain('pipe');
    expect(readdirSync(data).sort()).toEqual(['ok.txt', 'pipe']);
  });
});
