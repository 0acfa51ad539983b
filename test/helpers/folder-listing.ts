/**
 * A folder's content as a sorted listing, for comparing two checkouts byte for byte: every file with
 * its SHA-256 and whether it is executable, every symlink with its target, every folder (empty ones
 * included, unless asked). Names are listed as their raw bytes in hex when they are not UTF-8.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

function nameOf(raw: Buffer): string {
  const s = raw.toString('utf8');
  return Buffer.from(s, 'utf8').equals(raw) ? s : `<hex:${raw.toString('hex')}>`;
}

export function folderListing(root: string, options: { skip?: (path: string) => boolean; emptyFolders?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (dir: Buffer, prefix: string): number => {
    let count = 0;
    const names = (readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare);
    for (const raw of names) {
      const path = `${prefix}${nameOf(raw)}`;
      if (options.skip?.(path)) continue;
      const full = Buffer.concat([dir, Buffer.from('/'), raw]);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.push(`link ${path} -> ${readlinkSync(full, { encoding: 'buffer' }).toString('hex')}`);
      else if (st.isDirectory()) {
        const at = out.length;
        const inner = walk(full, `${path}/`);
        if (inner > 0 || options.emptyFolders) out.splice(at, 0, `dir  ${path}`);
        else continue;
      } else {
        out.push(`${st.mode & 0o100 ? 'exec' : 'file'} ${path} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
      }
      count++;
    }
    return count;
  };
  walk(Buffer.from(root), '');
  return out;
}
