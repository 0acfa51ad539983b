/**
 * Chunker throughput on random data, one core. Build with `npx tsc -p tsconfig.json`, then run
 * `node dist/bench/chunker.js [MiB]` (default 256 MiB of input).
 */

import { randomFillSync } from 'node:crypto';
import { FastCdcChunker, type FastCdcParams } from '../plumbing/chunking/fastcdc.js';
import { FixedSizeChunker } from '../plumbing/chunking/fixed.js';
import type { ChunkingStrategy } from '../plumbing/chunking/strategy.js';

const MIB = 1024 * 1024;

/** One measured configuration. */
export interface ChunkerBenchResult {
  label: string;
  chunks: number;
  megabytesPerSecond: number;
}

const FASTCDC_CONFIGS: readonly FastCdcParams[] = [
  { minSize: 64 * 1024, avgSize: MIB, maxSize: 4 * MIB, normalization: 1 },
  { minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 },
];

/** Random input of the given size. */
export function randomInput(bytes: number): Buffer {
  const data = Buffer.allocUnsafe(bytes);
  for (let offset = 0; offset < bytes; offset += 64 * MIB) {
    randomFillSync(data, offset, Math.min(64 * MIB, bytes - offset));
  }
  return data;
}

/** Best of `rounds` timed runs of `strategy.chunkData(data)`, in MB/s (10^6 bytes per second). */
export function measure(label: string, strategy: ChunkingStrategy, data: Uint8Array, rounds = 3): ChunkerBenchResult {
  let best = Infinity;
  let chunks = 0;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    chunks = strategy.chunkData(data).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, seconds);
  }
  return { label, chunks, megabytesPerSecond: data.length / 1e6 / best };
}

function describe(params: FastCdcParams): string {
  return `fastcdc ${params.minSize}/${params.avgSize}/${params.maxSize} n${params.normalization}`;
}

/** Runs every configuration over `data`. */
export function runChunkerBench(data: Uint8Array): ChunkerBenchResult[] {
  const results = FASTCDC_CONFIGS.map((params) => measure(describe(params), new FastCdcChunker(params), data));
  results.push(measure('fixed 1048576', new FixedSizeChunker({ size: MIB }), data));
  return results;
}

function main(): void {
  const mebibytes = Number(process.argv[2] ?? '256');
  const data = randomInput(mebibytes * MIB);
  process.stdout.write(`chunker throughput, ${mebibytes} MiB random input, best of 3\n`);
  for (const result of runChunkerBench(data)) {
    const rate = result.megabytesPerSecond.toFixed(0).padStart(7);
    process.stdout.write(`${result.label.padEnd(40)} ${rate} MB/s  ${result.chunks} chunks\n`);
  }
}

main();
