/**
 * Rewrites a zip the way an application saving it does, by byte surgery on the original: every member
 * is copied as it is (local header, data), except the replaced ones, which get new data (stored, or
 * deflated at level 6) with their CRC-32 and sizes; the central directory is written again with the
 * new offsets. `mtime` stamps every member with a new DOS time, as a save by Krita does. Zip64 and
 * data-descriptor archives are not handled (neither base.wz nor Krita's documents use them).
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

interface Entry {
  name: string;
  central: Buffer;
  localOffset: number;
  method: number;
  compressedSize: number;
}

function entries(zip: Buffer): { list: Entry[]; tail: Buffer } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const list: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const n = zip.readUInt16LE(at + 28);
    const m = zip.readUInt16LE(at + 30);
    const k = zip.readUInt16LE(at + 32);
    const central = zip.subarray(at, at + 46 + n + m + k);
    list.push({ name: central.toString('utf8', 46, 46 + n), central, localOffset: central.readUInt32LE(42), method: central.readUInt16LE(10), compressedSize: central.readUInt32LE(20) });
    at += 46 + n + m + k;
  }
  return { list, tail: zip.subarray(eocd) };
}

/** The uncompressed bytes of a member. */
export function readMember(zip: Buffer, name: string): Buffer {
  const e = entries(zip).list.find((x) => x.name === name);
  if (!e) throw new Error(`no member ${name}`);
  const h = e.localOffset;
  const data = zip.subarray(h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28));
  const body = data.subarray(0, e.compressedSize);
  return e.method === 0 ? Buffer.from(body) : inflateRawSync(body);
}

/** The members' names and uncompressed sizes, in archive order. */
export function listMembers(zip: Buffer): { name: string; size: number }[] {
  return entries(zip).list.map((e) => ({ name: e.name, size: e.central.readUInt32LE(24) }));
}

/** `zip` with the members named in `replace` given new content (see the module comment). */
export function rewriteZip(zip: Buffer, replace: ReadonlyMap<string, Buffer>, mtime?: { date: number; time: number }): Buffer {
  const { list, tail } = entries(zip);
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of list) {
    const h = e.localOffset;
    const n = zip.readUInt16LE(h + 26);
    const m = zip.readUInt16LE(h + 28);
    const header = Buffer.from(zip.subarray(h, h + 30 + n + m));
    const central = Buffer.from(e.central);
    let data = zip.subarray(h + 30 + n + m, h + 30 + n + m + e.compressedSize);
    const content = replace.get(e.name);
    if (content) {
      data = e.method === 0 ? content : deflateRawSync(content, { level: 6 });
      for (const [b, base] of [
        [header, 14],
        [central, 16],
      ] as const) {
        b.writeUInt32LE(crc32(content), base);
        b.writeUInt32LE(data.length, base + 4);
        b.writeUInt32LE(content.length, base + 8);
      }
    }
    if (mtime) {
      header.writeUInt16LE(mtime.time, 10);
      header.writeUInt16LE(mtime.date, 12);
      central.writeUInt16LE(mtime.time, 12);
      central.writeUInt16LE(mtime.date, 14);
    }
    central.writeUInt32LE(offset, 42);
    parts.push(header, data);
    centrals.push(central);
    offset += header.length + data.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.from(tail);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}
