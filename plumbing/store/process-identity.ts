import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** This machine's name in a form safe for file names. */
export function safeHostname(): string {
  return hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';
}

/** True unless the process certainly does not exist (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let counter = 0;
/** Random per process (not per file: drawing random bytes for every object was measurable). */
const processNonce = randomBytes(4).toString('hex');

const host = safeHostname();

/** A unique temporary file name: `<host>.<pid>.<counter>.<random>.tmp`, so prune can tell whose it is. */
export function tempFileName(): string {
  counter = (counter + 1) % 1e9;
  return `${host}.${process.pid}.${counter}.${processNonce}.tmp`;
}

/** Parses a temp file name; undefined when it is not one of ours. */
export function parseTempFileName(name: string): { host: string; pid: number } | undefined {
  const m = /^(.+)\.(\d+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(name);
  return m ? { host: m[1] as string, pid: Number(m[2]) } : undefined;
}
