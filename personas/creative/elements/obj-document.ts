/**
 * A Wavefront OBJ as records (one per logical line, `\` continuations joined, the exact text kept), with
 * the objects (`o`) and groups (`g`) each face, line and point element belongs to, and every index
 * resolved to an absolute one (negative, relative indices included). The text is the file's bytes as
 * latin1 (one character per byte), so records written back unchanged are byte-identical; a UTF-16 file
 * is read as its UTF-8 equivalent.
 */
import { normaliseTextEncoding } from '../model/text-scanner.js';
import { modelCorrupt } from '../model/model-error.js';

export interface ObjRecord {
  /** The record's text, line ending(s) included. */
  raw: string;
  keyword: string;
  /** The arguments after the keyword, trimmed, comments removed (latin1). */
  args: string;
}

export interface FaceRef {
  v: number;
  vt: number | undefined;
  vn: number | undefined;
}

export interface Geometry {
  /** Index of its record. */
  record: number;
  keyword: 'f' | 'l' | 'p';
  /** Absolute 0-based indices. */
  refs: FaceRef[];
  object: string | undefined;
  group: string | undefined;
  material: string | undefined;
  smoothing: string | undefined;
}

export interface ObjDocument {
  file: string;
  text: string;
  /** The text had a UTF-16 byte-order mark and was converted. */
  converted: boolean;
  eol: string;
  records: ObjRecord[];
  /** Record index of each `v`, `vt`, `vn`, in order. */
  v: number[];
  vt: number[];
  vn: number[];
  geometry: Geometry[];
  mtllibs: string[];
}

const GEOMETRY = new Set(['f', 'fo', 'l', 'p']);

/** Splits into logical lines (a line ending in `\` continues on the next). */
function splitRecords(text: string): ObjRecord[] {
  const records: ObjRecord[] = [];
  let start = 0;
  let logical = '';
  let rawStart = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length - 1;
    const line = text.slice(start, nl + 1);
    const body = line.replace(/\r?\n$/, '');
    start = nl + 1;
    if (body.endsWith('\\') && start < text.length) {
      logical += body.slice(0, -1) + ' ';
      continue;
    }
    logical += body;
    const raw = text.slice(rawStart, start);
    rawStart = start;
    let content = logical.replace(/^\ufeff|^\xef\xbb\xbf/, '');
    logical = '';
    const hash = content.indexOf('#');
    if (hash >= 0) content = content.slice(0, hash);
    content = content.trim();
    const space = content.search(/\s/);
    const keyword = space < 0 ? content : content.slice(0, space);
    const args = space < 0 ? '' : content.slice(space + 1).trim();
    records.push({ raw, keyword, args });
  }
  return records;
}

export function elementName(args: string): string | undefined {
  const name = args.replace(/\s+/g, ' ').trim();
  return name === '' ? undefined : name;
}

export function parseObjDocument(file: string, data: Buffer): ObjDocument {
  if (data.length === 0) throw modelCorrupt(file, 'file is empty');
  const utf16 = data.length >= 2 && ((data[0] === 0xfe && data[1] === 0xff) || (data[0] === 0xff && data[1] === 0xfe));
  const text = (utf16 ? normaliseTextEncoding(data) : data).toString('latin1');
  const nul = text.slice(0, 1 << 16).indexOf('\0');
  if (nul >= 0) throw modelCorrupt(file, 'binary data in a text OBJ file', `byte ${nul}`);
  const records = splitRecords(text);
  const doc: ObjDocument = { file, text, converted: utf16, eol: text.includes('\r\n') ? '\r\n' : '\n', records, v: [], vt: [], vn: [], geometry: [], mtllibs: [] };
  let object: string | undefined;
  let group: string | undefined;
  let material: string | undefined;
  let smoothing: string | undefined;
  let line = 1;
  const resolve = (token: string, count: number, what: string): number | undefined => {
    if (token === '') return undefined;
    const n = Number(token);
    if (!Number.isInteger(n) || n === 0) throw modelCorrupt(file, `malformed ${what} index "${token}"`, `line ${line}`);
    const index = n > 0 ? n - 1 : count + n;
    if (index < 0) throw modelCorrupt(file, `${what} index ${n} is before the first one`, `line ${line}`);
    return index;
  };
  records.forEach((record, i) => {
    switch (record.keyword) {
      case 'v':
        if (record.args.split(/\s+/).length < 3 || record.args.split(/\s+/).slice(0, 3).some((t) => !Number.isFinite(Number(t)))) {
          throw modelCorrupt(file, `vertex needs three numbers, found "${record.raw.trim()}"`, `line ${line}`);
        }
        doc.v.push(i);
        break;
      case 'vt':
        doc.vt.push(i);
        break;
      case 'vn':
        doc.vn.push(i);
        break;
      case 'o':
        // A new object starts outside any group (groups are read as parts of an object).
        object = elementName(record.args);
        group = undefined;
        break;
      case 'g':
        group = elementName(record.args);
        break;
      case 'usemtl':
        material = record.args === '' ? undefined : record.args;
        break;
      case 's':
        smoothing = record.args;
        break;
      case 'mtllib':
        if (record.args !== '' && !doc.mtllibs.includes(record.args)) doc.mtllibs.push(record.args);
        break;
      default:
        if (GEOMETRY.has(record.keyword)) {
          const refs = record.args
            .split(/\s+/)
            .filter((t) => t !== '')
            .map((token) => {
              const [v = '', vt = '', vn = ''] = token.split('/');
              const vi = resolve(v, doc.v.length, 'vertex');
              if (vi === undefined) throw modelCorrupt(file, `malformed face "${record.raw.trim()}"`, `line ${line}`);
              return { v: vi, vt: resolve(vt, doc.vt.length, 'texture coordinate'), vn: resolve(vn, doc.vn.length, 'normal') };
            });
          doc.geometry.push({ record: i, keyword: record.keyword === 'fo' ? 'f' : (record.keyword as 'f' | 'l' | 'p'), refs, object, group, material, smoothing });
        }
    }
    line += (record.raw.match(/\n/g) ?? []).length;
  });
  for (const g of doc.geometry) {
    for (const r of g.refs) {
      if (r.v >= doc.v.length) throw modelCorrupt(file, `face refers to vertex ${r.v + 1} but the file has ${doc.v.length} vertices`);
      if (r.vt !== undefined && r.vt >= doc.vt.length) r.vt = undefined;
      if (r.vn !== undefined && r.vn >= doc.vn.length) r.vn = undefined;
    }
  }
  return doc;
}

/** The statements of an MTL file split into material blocks (the text of each `newmtl` to the next). */
export function mtlBlocks(text: string): { header: string; blocks: Map<string, string> } {
  const blocks = new Map<string, string>();
  const lines = text.split(/(?<=\n)/);
  let header = '';
  let name: string | undefined;
  let body = '';
  const flush = (): void => {
    if (name !== undefined && !blocks.has(name)) blocks.set(name, body);
  };
  for (const line of lines) {
    const m = /^\s*newmtl\s+(.*?)\s*$/.exec(line.replace(/\r?\n$/, ''));
    if (m !== null) {
      flush();
      name = m[1] as string;
      body = line;
    } else if (name === undefined) header += line;
    else body += line;
  }
  flush();
  return { header, blocks };
}
