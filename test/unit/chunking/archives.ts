/**
 * Archive writers for the format-aware chunking tests: tar (ustar, pax extended headers, GNU long
 * names) written here byte by byte, zip through fflate (stored and deflated members, with or without
 * data descriptors). Each reports where its members' headers and data lie, so tests can check cuts.
 */
import fc from 'fast-check';
import { Zip, ZipDeflate, ZipPassThrough, zipSync, type Zippable } from 'fflate';
import { pseudoRandomBytes } from './generators.js';

export interface Member {
  name: string;
  data: Uint8Array;
  mtime: number;
  /** `0` file, `5` folder, `2` symlink. */
  type?: '0' | '5' | '2';
}

/** Where a member lies in the archive: its header blocks start at `header`, its data at `data`. */
export interface Layout {
  header: number;
  data: number;
  size: number;
}

export type LongNames = 'pax' | 'gnu';

function octalField(block: Uint8Array, at: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < length - 1; i++) block[at + i] = text.charCodeAt(i);
  block[at + length - 1] = 0;
}

function ascii(block: Uint8Array, at: number, text: string, max: number): void {
  const bytes = Buffer.from(text, 'utf8').subarray(0, max);
  block.set(bytes, at);
}

function header(name: string, size: number, mtime: number, type: string): Uint8Array {
  const block = new Uint8Array(512);
  ascii(block, 0, name, 100);
  octalField(block, 100, 8, 0o644);
  octalField(block, 108, 8, 1000);
  octalField(block, 116, 8, 1000);
  if (size < 8 ** 11) octalField(block, 124, 12, size);
  else {
    block[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) {
      block[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  octalField(block, 136, 12, mtime);
  block[156] = type.charCodeAt(0);
  ascii(block, 257, 'ustar', 6);
  block[263] = 0x30;
  block[264] = 0x30;
  ascii(block, 265, 'user', 32);
  ascii(block, 297, 'group', 32);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  octalField(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/** A tar archive of `members` (names over 100 bytes use `longNames`), and each member's layout. */
export function makeTar(members: readonly Member[], longNames: LongNames = 'pax'): { tar: Uint8Array; layout: Layout[] } {
  const parts: Uint8Array[] = [];
  const layout: Layout[] = [];
  let at = 0;
  const push = (p: Uint8Array): void => {
    parts.push(p);
    at += p.length;
  };
  for (const m of members) {
    const start = at;
    const type = m.type ?? '0';
    const size = type === '0' ? m.data.length : 0;
    if (Buffer.byteLength(m.name) > 100) {
      if (longNames === 'pax') {
        const records = Buffer.from(paxRecord('path', m.name) + paxRecord('mtime', `${m.mtime}.25`));
        push(header('PaxHeaders/x', records.length, m.mtime, 'x'));
        push(padded(records));
      } else {
        const name = Buffer.from(`${m.name}\0`);
        push(header('././@LongLink', name.length, 0, 'L'));
        push(padded(name));
      }
    }
    push(header(m.name, size, m.mtime, type));
    layout.push({ header: start, data: at, size });
    if (size > 0) push(padded(m.data));
  }
  push(new Uint8Array(1024));
  const tar = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    tar.set(p, o);
    o += p.length;
  }
  return { tar, layout };
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  /** 0 stored, else a deflate level. */
  level: 0 | 1 | 6;
  mtime: Date;
}

/** A zip written by fflate in one go (sizes in every local header). */
export function makeZip(members: readonly ZipMember[]): Uint8Array {
  const files: Zippable = {};
  for (const m of members) files[m.name] = [m.data, { level: m.level, mtime: m.mtime }];
  return zipSync(files);
}

/** A zip written by fflate's streaming writer (deflated members give their sizes in data descriptors). */
export function makeStreamedZip(members: readonly ZipMember[]): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    out.push(chunk);
  });
  for (const m of members) {
    const file = m.level === 0 ? new ZipPassThrough(m.name) : new ZipDeflate(m.name, { level: m.level });
    file.mtime = m.mtime;
    zip.add(file);
    file.push(m.data, true);
  }
  zip.end();
  return Buffer.concat(out);
}

/** Member data: empty, small, or large (up to `max` bytes), random or repetitive. */
export function memberData(max: number): fc.Arbitrary<Uint8Array> {
  return fc
    .record({ size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max })), seed: fc.integer(), text: fc.boolean() })
    .map(({ size, seed, text }) => (text ? Buffer.from('line of text\n'.repeat(Math.ceil(size / 13)).slice(0, size)) : pseudoRandomBytes(seed, size)));
}

/** A member name: short, or long enough (over 100 bytes) to need an extension header. */
export const memberName: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z]{1,12}(\/[a-z]{1,12}){0,2}\.[a-z]{1,3}$/),
  fc.stringMatching(/^[a-z]{30,60}\/[a-z]{40,80}\.txt$/),
);

export function tarMembers(maxData: number): fc.Arbitrary<Member[]> {
  return fc.array(
    fc.record({ name: memberName, data: memberData(maxData), mtime: fc.integer({ min: 0, max: 2 ** 33 - 1 }), type: fc.constantFrom<'0' | '5' | '2'>('0', '0', '0', '5', '2') }),
    { minLength: 0, maxLength: 12 },
  );
}

export function zipMembers(maxData: number): fc.Arbitrary<ZipMember[]> {
  return fc
    .uniqueArray(
      fc.record({
        name: memberName,
        data: memberData(maxData),
        level: fc.constantFrom<0 | 1 | 6>(0, 1, 6),
        mtime: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
      }),
      { selector: (m) => m.name, minLength: 0, maxLength: 10 },
    );
}
