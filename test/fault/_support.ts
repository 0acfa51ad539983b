/**
 * Shared helpers of the fault tests: a seeded PRNG, reading and verifying loose object files
 * independently of strata's code (zlib, header, SHA-256), and crafting object files by hand.
 * Not a test file (vitest only collects *.test.ts).
 */
import { createHash, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

/** A seed from STRATA_FAULT_SEED, or a fresh random one; always logged so a failure can be replayed. */
export function chooseSeed(label: string): number {
  const fromEnv = process.env.STRATA_FAULT_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : randomInt(0, 2 ** 32 - 1);
  console.log(`[${label}] random seed ${seed} (replay with STRATA_FAULT_SEED=${seed})`);
  return seed;
}

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] (inclusive). */
export function randInt(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** `n` pseudo-random bytes from the PRNG (fast: 4 bytes per step). */
export function randomBytesFrom(rng: () => number, n: number): Buffer {
  const words = new Uint32Array(Math.ceil(n / 4));
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(rng() * 4294967296) >>> 0;
  return Buffer.from(words.buffer, 0, n);
}

export const OBJECT_KINDS = ['blob', 'chunks', 'tree', 'version'] as const;
export type Kind = (typeof OBJECT_KINDS)[number];

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `"<kind> <size>\0" + body`. */
export function encodeObjectBytes(kind: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${kind} ${body.length}\0`, 'latin1'), body]);
}

/** The id of an object (computed here, not by strata). */
export function objectId(kind: string, body: Uint8Array): string {
  return sha256Hex(encodeObjectBytes(kind, body));
}

export function objectPath(repo: string, id: string): string {
  return join(repo, 'objects', id.slice(0, 2), id.slice(2));
}

/**
 * Writes an object file by hand (zlib of header + body at `objects/xx/rest`) and returns its id.
 * `storedBytes` overrides what is written (for corruption tests).
 */
export function writeObjectFile(repo: string, kind: string, body: Uint8Array, level = 6): string {
  const id = objectId(kind, body);
  const path = objectPath(repo, id);
  mkdirSync(join(repo, 'objects', id.slice(0, 2)), { recursive: true });
  if (!existsSync(path)) writeFileSync(path, deflateSync(encodeObjectBytes(kind, body), { level }), { mode: 0o444 });
  return id;
}

export interface ObjectFileCheck {
  id: string;
  path: string;
  kind?: string;
  size?: number;
  /** Undefined when the file is a complete valid object for its id. */
  problem?: string;
}

/** Verifies one object file with node's zlib and crypto only: stream, header, size, SHA-256. */
export function verifyObjectFile(path: string, id: string): ObjectFileCheck {
  let inflated: Buffer;
  try {
    inflated = inflateSync(readFileSync(path));
  } catch (err) {
    return { id, path, problem: `zlib: ${(err as Error).message}` };
  }
  const nul = inflated.indexOf(0);
  if (nul < 0 || nul > 30) return { id, path, problem: 'no NUL-terminated header' };
  const m = /^(blob|chunks|tree|version) (0|[1-9][0-9]*)$/.exec(inflated.subarray(0, nul).toString('latin1'));
  if (!m) return { id, path, problem: `malformed header ${JSON.stringify(inflated.subarray(0, nul).toString('latin1'))}` };
  const kind = m[1] as string;
  const size = Number(m[2]);
  const bodyLength = inflated.length - nul - 1;
  if (bodyLength !== size) return { id, path, kind, size, problem: `header says ${size} bytes, body has ${bodyLength}` };
  const actual = sha256Hex(inflated);
  if (actual !== id) return { id, path, kind, size, problem: `content hashes to ${actual}` };
  return { id, path, kind, size };
}

/**
 * Every file under `objects/`: objects (`xx/<62 hex>`), temporary files a writer left in a fan-out
 * folder (`*.tmp`, allowed by the spec and removed by prune), and strays (anything else).
 */
export function listObjectFiles(repo: string): { objects: Array<{ id: string; path: string }>; strays: string[]; temps: string[] } {
  const root = join(repo, 'objects');
  const objects: Array<{ id: string; path: string }> = [];
  const strays: string[] = [];
  const temps: string[] = [];
  if (!existsSync(root)) return { objects, strays, temps };
  for (const fan of readdirSync(root)) {
    const fanPath = join(root, fan);
    if (!/^[0-9a-f]{2}$/.test(fan) || !statSync(fanPath).isDirectory()) {
      strays.push(fanPath);
      continue;
    }
    for (const name of readdirSync(fanPath)) {
      const path = join(fanPath, name);
      if (/\.tmp$/.test(name) && statSync(path).isFile()) temps.push(path);
      else if (!/^[0-9a-f]{62}$/.test(name) || !statSync(path).isFile()) strays.push(path);
      else objects.push({ id: fan + name, path });
    }
  }
  return { objects, strays, temps };
}

/** Verifies every object file of a repository; returns the problems (empty when all are valid). */
export function verifyAllObjects(repo: string): { checked: number; problems: string[] } {
  const { objects, strays } = listObjectFiles(repo);
  const problems = strays.map((s) => `stray file under objects/: ${s}`);
  for (const o of objects) {
    const r = verifyObjectFile(o.path, o.id);
    if (r.problem) problems.push(`${o.id}: ${r.problem}`);
  }
  return { checked: objects.length, problems };
}

/** Canonical JSON for the simple values the tests craft (integers, strings, arrays, objects). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
