import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { StrataError, hasErrno } from '../errors/index.js';
import { FORMAT_VERSION, RepoConfig, defaultConfig } from '../format/repo-config.js';
import { canonicalStringify } from '../format/canonical-json.js';
import type { ChunkingStrategy } from '../chunking/strategy.js';
import { FastCdcChunker } from '../chunking/fastcdc.js';
import { FixedSizeChunker } from '../chunking/fixed.js';
import { FileChunking } from '../chunking/format-aware.js';
import type { ChunkSource } from '../chunking/strategy.js';
import { systemClock, type Clock } from './clock.js';
import { LAYOUT, LocalBackend } from './local-backend.js';
import { ObjectStore } from './object-store.js';
import { RefStore } from './ref-store.js';

/** The name of the repository folder inside a project. */
export const REPO_DIR_NAME = '.strata';

/** An open repository: everything a verb needs, passed explicitly. */
export interface Repository {
  /** Absolute path of the repository folder (the one holding `config`). */
  root: string;
  config: RepoConfig;
  backend: LocalBackend;
  objects: ObjectStore;
  refs: RefStore;
  clock: Clock;
}

export interface OpenOptions {
  /** An explicit repository path (`--repo`); a folder holding `.strata` is accepted too. */
  repo?: string | undefined;
  /** Where discovery starts when `repo` is not given (default: process.cwd()). */
  cwd?: string;
  /** Environment for `STRATA_REPO` (default: process.env). */
  env?: Record<string, string | undefined>;
  clock?: Clock;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Parses config text: unknown format versions and malformed files are distinct errors. */
export function parseConfigText(text: string, path: string): RepoConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StrataError('CONFIG_INVALID', `the repository config ${path} is not valid JSON`, {
      hint: 'restore the config from a backup, or compare it with the format in objects-spec.md',
      data: { path },
      cause: err,
    });
  }
  const head = z.object({ format: z.literal('strata'), formatVersion: z.number().int() }).safeParse(json);
  if (!head.success) {
    throw new StrataError('CONFIG_INVALID', `the repository config ${path} is not a strata config (no "format": "strata" and integer "formatVersion")`, {
      data: { path },
    });
  }
  if (head.data.formatVersion !== FORMAT_VERSION) {
    throw new StrataError(
      'FORMAT_UNSUPPORTED',
      `the repository uses format version ${head.data.formatVersion}, which this strata does not know (it reads version ${FORMAT_VERSION})`,
      { hint: 'use a strata release that supports this format version', data: { path, formatVersion: head.data.formatVersion } },
    );
  }
  const parsed = RepoConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new StrataError('CONFIG_INVALID', `the repository config ${path} is malformed at ${where}`, { data: { path } });
  }
  return parsed.data;
}

/** Finds the repository folder: explicit path, then STRATA_REPO, then walking up to a `.strata` folder. */
export async function findRepository(options: OpenOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = options.repo ?? (env.STRATA_REPO ? env.STRATA_REPO : undefined);
  const cwd = resolve(options.cwd ?? process.cwd());
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (await isFile(join(path, LAYOUT.config))) return path;
    if (await isFile(join(path, REPO_DIR_NAME, LAYOUT.config))) return join(path, REPO_DIR_NAME);
    throw new StrataError('NO_REPOSITORY', `${path} is not a strata repository`, {
      hint: 'create one with `strata init`, or point --repo / STRATA_REPO at an existing one',
      data: { path },
    });
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await isFile(join(dir, REPO_DIR_NAME, LAYOUT.config))) return join(dir, REPO_DIR_NAME);
    if (dirname(dir) === dir) break;
  }
  throw new StrataError('NO_REPOSITORY', `no strata repository in ${cwd} or any folder above it`, {
    hint: 'create one with `strata init`, or use --repo PATH or STRATA_REPO',
    data: { cwd },
  });
}

/**
 * The chunking a config describes: the strategy for each file (format-aware where the config enables
 * it). Build it once for many files.
 */
export function chunkingFor(config: RepoConfig): FileChunking {
  const c = config.chunking;
  const generic = c.algorithm === 'fixed' ? new FixedSizeChunker({ size: c.size }) : new FastCdcChunker(c);
  return new FileChunking(generic, config.formatChunking, c.algorithm === 'fixed' ? c.size : c.minSize);
}

/**
 * The chunking strategy a config gives one file (its name and size, when known, as hints): every
 * path that stores a file's content must get its strategy here or from `chunkingFor`, so the same
 * file is cut the same way by snapshot, hash-object and records alike. Without a source: the generic
 * strategy.
 */
export function strategyFor(config: RepoConfig, source?: ChunkSource): ChunkingStrategy {
  const chunking = chunkingFor(config);
  return source ? chunking.forFile(source) : chunking.generic;
}

/** Opens a repository by path or discovery, reading and validating its config. */
export async function openRepository(options: OpenOptions = {}): Promise<Repository> {
  const root = await findRepository(options);
  const configPath = join(root, LAYOUT.config);
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (err) {
    throw new StrataError('CONFIG_INVALID', `cannot read the repository config ${configPath}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const config = parseConfigText(text, configPath);
  return assemble(root, config, options.clock ?? systemClock);
}

function assemble(root: string, config: RepoConfig, clock: Clock): Repository {
  const backend = new LocalBackend(root);
  return { root, config, backend, objects: new ObjectStore(backend, config.compression.level), refs: new RefStore(backend), clock };
}

/** The config as written to disk: canonical JSON plus a newline. */
export function serializeConfig(config: RepoConfig): string {
  return `${canonicalStringify(config)}\n`;
}

export interface CreateOptions {
  /** The repository folder to create (or an empty folder to fill). */
  root: string;
  config?: RepoConfig;
  clock?: Clock;
}

/**
 * Creates a repository: folders and HEAD first, the config last (its presence is what makes the
 * folder a repository, so an interrupted init leaves nothing that discovery would pick up).
 */
export async function createRepository(options: CreateOptions): Promise<Repository> {
  const root = resolve(options.root);
  const config = RepoConfig.parse(options.config ?? defaultConfig());
  if (await isFile(join(root, LAYOUT.config))) {
    throw new StrataError('REPO_EXISTS', `${root} is already a strata repository`, { data: { path: root } });
  }
  try {
    const entries = await readdir(root);
    const ours = new Set<string>([LAYOUT.objects, LAYOUT.refs, LAYOUT.tmp, LAYOUT.head]);
    if (entries.some((e) => !ours.has(e))) {
      throw new StrataError('TARGET_NOT_EMPTY', `${root} exists and is not empty; a repository needs an empty folder`, {
        data: { path: root },
      });
    }
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
  }
  for (const dir of [LAYOUT.objects, LAYOUT.tmp, 'refs/heads', 'refs/tags', 'refs/versions']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  const repo = assemble(root, config, options.clock ?? systemClock);
  const head = await repo.backend.writeTemp(Buffer.from('ref: refs/heads/main\n'), true);
  await rename(head, join(root, LAYOUT.head));
  const cfg = await repo.backend.writeTemp(Buffer.from(serializeConfig(config)), true);
  await rename(cfg, join(root, LAYOUT.config));
  return repo;
}
