/**
 * The zip containers of Krita (`.kra`) and OpenRaster (`.ora`) documents, read from the central directory
 * and written back entry by entry. An entry that is copied keeps its compressed bytes, CRC, method and
 * timestamp exactly; a new entry is deflated (or stored, for `mimetype` and data that does not shrink).
 * The `mimetype` entry is written first and stored, as OpenDocument (which Krita and OpenRaster follow)
 * requires. No ZIP64, encryption or multi-disk archives: those are refused as unsupported.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { StrataError } from '../../../porcelain/index.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** MS-DOS time and date fields, as in the archive. */
  dosTime: number;
  dosDate: number;
  /** General purpose flags (bit 11: UTF-8 name). */
  flags: number;
  /** The compressed bytes, as in the archive. */
  raw: Buffer;
}

export interface ZipArchive {
  /** The file's name, for messages. */
  file: string;
  entries: ZipEntry[];
}

/** A new entry to write: its content, stored or deflated. */
export interface NewZipEntry {
  name: string;
  data: Buffer;
  /** Store it uncompressed (always for `mimetype`). */
  store?: boolean;
}

function corrupt(file: string, kind: string, why: string): StrataError {
  return new StrataError('ASSET_CORRUPT', `${file}: the ${kind} is damaged (${why}).`, { data: { file } });
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when the bytes start like a zip archive (a local file header). */
export function looksLikeZip(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === LOCAL;
}

/** The entries of a zip archive; `kind` names the document type in messages ("Krita document"). */
export function readZip(file: string, data: Buffer, kind: string): ZipArchive {
  if (!looksLikeZip(data)) {
    if (data.length >= 4 && data.readUInt32LE(0) === EOCD) throw corrupt(file, kind, 'the archive is empty');
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: not a ${kind} (it is not a zip archive).`, { data: { file } });
  }
  let eocd = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 65535); at--) {
    if (data.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw corrupt(file, kind, 'the zip directory is missing: the file is truncated');
  const count = data.readUInt16LE(eocd + 10);
  const dirSize = data.readUInt32LE(eocd + 12);
  const dirOffset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: ZIP64 archives are not supported.`, { data: { file } });
  }
  if (data.readUInt16LE(eocd + 4) !== 0 || data.readUInt16LE(eocd + 6) !== 0) {
    throw new StrataError('ASSET_UNSUPPORTED', `${file}: multi-part zip archives are not supported.`, { data: { file } });
  }
  if (dirOffset + dirSize > eocd) throw corrupt(file, kind, 'the zip directory points past its end');
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || data.readUInt32LE(at) !== CENTRAL) throw corrupt(file, kind, `zip directory entry ${i + 1} is malformed`);
    const flags = data.readUInt16LE(at + 8);
    const method = data.readUInt16LE(at + 10);
    const dosTime = data.readUInt16LE(at + 12);
    const dosDate = data.readUInt16LE(at + 14);
    const crc = data.readUInt32LE(at + 16);
    const compressedSize = data.readUInt32LE(at + 20);
    const size = data.readUInt32LE(at + 24);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const localOffset = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
    at += 46 + nameLength + extraLength + commentLength;
    if ((flags & 1) !== 0) throw new StrataError('ASSET_UNSUPPORTED', `${file}: encrypted zip entries are not supported (${name}).`, { data: { file } });
    if (method !== 0 && method !== 8) {
      throw new StrataError('ASSET_UNSUPPORTED', `${file}: zip entry ${name} uses compression method ${method}; only stored and deflated entries are supported.`, { data: { file } });
    }
    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== LOCAL) throw corrupt(file, kind, `the entry ${name} is missing`);
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (start + compressedSize > data.length) throw corrupt(file, kind, `the entry ${name} runs past the end of the file`);
    if (method === 0 && compressedSize !== size) throw corrupt(file, kind, `the stored entry ${name} has inconsistent sizes`);
    entries.push({ name, method, crc, compressedSize, size, dosTime, dosDate, flags, raw: data.subarray(start, start + compressedSize) });
  }
  return { file, entries };
}

/** The uncompressed content of an entry, checked against its CRC. */
export function entryData(archive: ZipArchive, entry: ZipEntry, kind: string): Buffer {
  let out: Buffer;
  if (entry.method === 0) out = entry.raw;
  else {
    try {
      out = inflateRawSync(entry.raw);
    } catch (err) {
      throw corrupt(archive.file, kind, `${entry.name} cannot be decompressed: ${(err as Error).message}`);
    }
  }
  if (out.length !== entry.size || (crc32(out) >>> 0) !== entry.crc) throw corrupt(archive.file, kind, `${entry.name} fails its checksum`);
  return out;
}

/** The entry named `name`, if any. */
export function findEntry(archive: ZipArchive, name: string): ZipEntry | undefined {
  return archive.entries.find((e) => e.name === name);
}

/** A new entry, deflated unless told to store it or deflating does not make it smaller. `dos` is the timestamp to give it. */
export function makeEntry(entry: NewZipEntry, dos: { dosTime: number; dosDate: number }): ZipEntry {
  const crc = crc32(entry.data) >>> 0;
  let method = 0;
  let raw = entry.data;
  if (entry.store !== true && entry.name !== 'mimetype' && entry.data.length > 0) {
    const deflated = deflateRawSync(entry.data, { level: 6 });
    if (deflated.length < entry.data.length) {
      method = 8;
      raw = deflated;
    }
  }
  return { name: entry.name, method, crc, compressedSize: raw.length, size: entry.data.length, dosTime: dos.dosTime, dosDate: dos.dosDate, flags: 0x800, raw };
}

/** The archive bytes: `mimetype` first (stored), then the other entries in the order given. */

/**
 * The fields a local header and a central directory entry share, in the same order: flags, method,
 * DOS time and date, CRC-32, compressed and uncompressed sizes, name length; `at` is where flags go.
 */
function writeSharedFields(header: Buffer, at: number, e: { method: number; dosTime: number; dosDate: number; crc: number; compressedSize: number; size: number }, flags: number, nameLength: number): void {
  header.writeUInt16LE(flags, at);
  header.writeUInt16LE(e.method, at + 2);
  header.writeUInt16LE(e.dosTime, at + 4);
  header.writeUInt16LE(e.dosDate, at + 6);
  header.writeUInt32LE(e.crc, at + 8);
  header.writeUInt32LE(e.compressedSize, at + 12);
  header.writeUInt32LE(e.size, at + 16);
  header.writeUInt16LE(nameLength, at + 20);
}

export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const ordered = [...entries.filter((e) => e.name === 'mimetype'), ...entries.filter((e) => e.name !== 'mimetype')];
  if (ordered.length > 0xffff) throw new StrataError('ASSET_UNSUPPORTED', 'the document would hold more than 65,535 files, which needs ZIP64 (not supported).');
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of ordered) {
    const name = Buffer.from(e.name, 'utf8');
    // Bit 3 (sizes in a data descriptor) is cleared: the sizes are written in the local header.
    const flags = (e.flags & ~0x8 & ~0x1) | 0x800;
    const version = e.method === 8 ? 20 : 10;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(version, 4);
    writeSharedFields(local, 6, e, flags, name.length);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(CENTRAL, 0);
    dir.writeUInt16LE(version, 4);
    dir.writeUInt16LE(version, 6);
    writeSharedFields(dir, 8, e, flags, name.length);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.raw);
    central.push(dir, name);
    offset += 30 + name.length + e.raw.length;
    if (offset > 0xffffffff) throw new StrataError('ASSET_UNSUPPORTED', 'the document would be larger than 4 GiB, which needs ZIP64 (not supported).');
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(ordered.length, 8);
  end.writeUInt16LE(ordered.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, end]);
}
