/** Case 1: FastCDC throughput in process, one core, on random data. */
import { FastCdcChunker } from '../../plumbing/index.js';
import { log, mbPerSecond, scaled, type BenchContext } from './context.js';
import { MIB, randomBytes } from './data.js';

const PARAMS = { minSize: 64 * 1024, avgSize: MIB, maxSize: 4 * MIB, normalization: 1 } as const;
const ROUNDS = 3;
/** Untimed pass before measuring, so the JIT has settled (steady-state throughput). */
const WARM_UP_BYTES = 32 * MIB;

/** Seconds for one pass of `chunker.chunkData` over `data`, and the chunk count. */
function timePass(chunker: FastCdcChunker, data: Uint8Array): { seconds: number; chunks: number } {
  const start = process.hrtime.bigint();
  const chunks = chunker.chunkData(data).length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, chunks };
}

export function runChunkerCase(ctx: BenchContext): void {
  const bytes = scaled(ctx, 256 * MIB, MIB);
  log(`chunker: ${bytes / MIB} MiB random data, best of ${ROUNDS} after a warm-up pass`);
  const data = randomBytes(bytes);
  const chunker = new FastCdcChunker(PARAMS);
  chunker.chunkData(data.subarray(0, WARM_UP_BYTES));
  const passes = Array.from({ length: ROUNDS }, () => timePass(chunker, data));
  const best = Math.min(...passes.map((p) => p.seconds));
  const chunks = passes[0]?.chunks ?? 0;
  const add = ctx.report.forCase('chunker');
  add('fastcdc_mb_s', `FastCDC 64K/1M/4M, ${bytes / MIB} MiB random, best of ${ROUNDS}`, mbPerSecond(bytes, best), 'MB/s', 0, {
    comparison: 'atLeast',
    limit: 400,
  });
  add('mean_chunk_kib', `mean chunk size (${chunks} chunks)`, bytes / chunks / 1024, 'KiB', 0);
}
