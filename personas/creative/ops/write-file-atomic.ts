import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StrataError } from '../../../porcelain/index.js';

/** Writes a file by a temporary file in its folder and a rename, so a reader never sees half of it. */
export async function writeFileAtomic(target: string, data: Buffer | string): Promise<void> {
  const temp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw new StrataError('IO_ERROR', `cannot write ${target}: ${(err as Error).message}`, { cause: err, data: { path: target } });
  }
}
