/**
 * Chunker throughput on random data, one core. Build with `npx tsc -p tsconfig.json`, then run
 * `node dist/bench/chunker.js [MiB]` (default 256 MiB of input). Importing it runs nothing: the main
 * bench can call `runChunkerBench` itself.
 */

import { randomFillSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { FastCdcChunker, type FastCdcParams } from '../plumbing/chunking/fastcdc.js';
import type { ChunkingStrategy } from '../plumbing/chunking/strategy.js';
import { chunkStream } from '../plumbing/chunking/stream.js';

const MIB = 1024 * 1024;

/** One measured configuration; rates in MB/s (10^6 bytes per second), best of the timed rounds. */
export interface ChunkerBenchResult {
  label: string;
  chunks: number;
  /** Input bytes over elapsed wall-clock time. */
  megabytesPerSecond: number;
  /** Input bytes over CPU time used by the process (less sensitive to other load on the machine). */
  megabytesPerCpuSecond: number;
}

/** Best wall-clock and CPU seconds of a timed run. */
interface Timing {
  wall: number;
  cpu: number;
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

/** Best of `rounds` runs of `run`, after one untimed warm-up so the JIT has settled. */
async function bestTiming(run: () => unknown, warmUp: () => unknown, rounds: number): Promise<Timing> {
  await warmUp();
  const best: Timing = { wall: Infinity, cpu: Infinity };
  for (let round = 0; round < rounds; round++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    await run();
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    best.wall = Math.min(best.wall, wall);
    best.cpu = Math.min(best.cpu, (cpu.user + cpu.system) / 1e6);
  }
  return best;
}

function result(label: string, chunks: number, bytes: number, timing: Timing): ChunkerBenchResult {
  return {
    label,
    chunks,
    megabytesPerSecond: bytes / 1e6 / timing.wall,
    megabytesPerCpuSecond: bytes / 1e6 / timing.cpu,
  };
}

/** `strategy.chunkData(data)` throughput, steady state. */
export async function measure(label: string, strategy: ChunkingStrategy, data: Uint8Array): Promise<ChunkerBenchResult> {
  let chunks = 0;
  const timing = await bestTiming(
    () => (chunks = strategy.chunkData(data).length),
    () => strategy.chunkData(data.subarray(0, 32 * MIB)),
    3,
  );
  return result(label, chunks, data.length, timing);
}

async function countStreamed(strategy: ChunkingStrategy, data: Uint8Array, blockSize: number): Promise<number> {
  async function* blocks(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < data.length; offset += blockSize) yield data.subarray(offset, offset + blockSize);
  }
  let chunks = 0;
  for await (const chunk of chunkStream(blocks(), strategy)) if (chunk.length > 0) chunks += 1;
  return chunks;
}

/** `chunkStream` throughput (copies and async overhead included) fed with `blockSize`-byte blocks. */
export async function measureStream(
  label: string,
  strategy: ChunkingStrategy,
  data: Uint8Array,
  blockSize: number,
): Promise<ChunkerBenchResult> {
  let chunks = 0;
  const timing = await bestTiming(
    async () => (chunks = await countStreamed(strategy, data, blockSize)),
    () => countStreamed(strategy, data.subarray(0, 32 * MIB), blockSize),
    3,
  );
  return result(label, chunks, data.length, timing);
}

function describeParams(params: FastCdcParams): string {
  return `fastcdc ${params.minSize}/${params.avgSize}/${params.maxSize} n${params.normalization}`;
}

/** Runs every configuration over `data`, one after the other. */
export async function runChunkerBench(data: Uint8Array): Promise<ChunkerBenchResult[]> {
  const results: ChunkerBenchResult[] = [];
  for (const params of FASTCDC_CONFIGS) {
    results.push(await measure(describeParams(params), new FastCdcChunker(params), data));
  }
  const [streamed] = FASTCDC_CONFIGS;
  if (streamed) {
    const label = `${describeParams(streamed)} chunkStream 64 KiB blocks`;
    results.push(await measureStream(label, new FastCdcChunker(streamed), data, 64 * 1024));
  }
  return results;
}

async function main(): Promise<void> {
  const mebibytes = Number(process.argv[2] ?? '256');
  const data = randomInput(mebibytes * MIB);
  process.stdout.write(`chunker throughput, ${mebibytes} MiB random input, one core, best of 3 after warm-up\n`);
  for (const row of await runChunkerBench(data)) {
    const wall = row.megabytesPerSecond.toFixed(0).padStart(5);
    const cpu = row.megabytesPerCpuSecond.toFixed(0).padStart(5);
    process.stdout.write(`${row.label.padEnd(58)} ${wall} MB/s wall  ${cpu} MB/s cpu  ${row.chunks} chunks\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
