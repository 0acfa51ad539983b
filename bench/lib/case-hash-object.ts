/** Cases 2 and 3: `strata hash-object -w` of one large file, random or text-like. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { folderBytes, log, mbPerSecond, megabytes, scaled, strata, type BenchContext } from './context.js';
import { MIB, writeRandomFile, writeTextFile } from './data.js';

interface HashCaseSpec {
  caseName: 'hash-random' | 'hash-text';
  /** What the content is, for labels. */
  content: string;
  minMbPerSecond: number;
  generate: (path: string, bytes: number) => void;
}

const RSS_LIMIT_MB = 200;

export const HASH_RANDOM: HashCaseSpec = {
  caseName: 'hash-random',
  content: 'random',
  minMbPerSecond: 250,
  generate: writeRandomFile,
};

export const HASH_TEXT: HashCaseSpec = {
  caseName: 'hash-text',
  content: 'text-like',
  minMbPerSecond: 100,
  generate: (path, bytes) => writeTextFile(path, bytes, 0x5eed),
};

interface HashObjectJson {
  objects: Array<{ id: string; chunks: number; newObjects: number }>;
}

function parseHashJson(stdout: Buffer): HashObjectJson['objects'][number] {
  const parsed = JSON.parse(stdout.toString('utf8')) as HashObjectJson;
  const first = parsed.objects[0];
  if (!first) throw new Error('hash-object --json printed no object');
  return first;
}

export async function runHashObjectCase(ctx: BenchContext, spec: HashCaseSpec): Promise<void> {
  const bytes = scaled(ctx, 1024 * MIB, MIB);
  const file = join(ctx.workDir, `${spec.caseName}.dat`);
  const repo = join(ctx.workDir, `${spec.caseName}-repo`);
  const size = `${bytes / MIB} MiB`;
  log(`${spec.caseName}: writing ${size} of ${spec.content} data`);
  const genStart = process.hrtime.bigint();
  spec.generate(file, bytes);
  log(`${spec.caseName}: generated in ${(Number(process.hrtime.bigint() - genStart) / 1e9).toFixed(1)} s; running hash-object -w`);
  // Flush the generated file (and the previous case's objects) to disk first, so the kernel's
  // writeback of data this case did not write does not compete with the run being measured.
  spawnSync('sync');
  try {
    await strata(ctx, ['init', '--repo', repo]);
    const run = await strata(ctx, ['hash-object', '-w', '--json', file, '--repo', repo], { captureStdout: true });
    const object = parseHashJson(run.stdout);
    const stored = folderBytes(join(repo, 'objects'));
    const add = ctx.report.forCase(spec.caseName);
    add('mb_s', `hash-object -w, ${size} ${spec.content}, wall clock`, mbPerSecond(bytes, run.seconds), 'MB/s', 0, {
      comparison: 'atLeast',
      limit: spec.minMbPerSecond,
    });
    add('peak_rss_mb', 'peak RSS of the strata process', megabytes(run.peakRssBytes), 'MB', 0, { comparison: 'below', limit: RSS_LIMIT_MB });
    add('seconds', `wall time (${object.chunks} chunks, ${object.newObjects} new objects)`, run.seconds, 's', 2);
    add('cpu_s', 'CPU time, user + system (all threads)', run.cpuSeconds, 's', 2);
    add('stored_ratio', 'input bytes / stored object bytes', bytes / stored, 'x', 2);
  } finally {
    rmSync(file, { force: true });
    rmSync(repo, { recursive: true, force: true });
  }
}
