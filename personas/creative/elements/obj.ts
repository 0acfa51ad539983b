/**
 * Wavefront OBJ elements: objects (`o`, `object:<name>`) and groups (`g`, `group:<name>`) with their face
 * and vertex counts and materials; a name met again continues the element; an `o` line starts its object
 * outside any group.
 *
 * Extract: an OBJ with only that element's faces (lines and points too) and the vertices, texture
 * coordinates and normals they use, re-indexed from 1, plus an MTL with only its materials and the
 * texture files those reference (companions).
 *
 * Restore: OBJ indices are global, so the restored element is written as a block appended at the end of
 * today's file, with the old vertices it uses and faces pointing at them by absolute index; today's
 * face lines of that element are removed (and its `o`/`g` line when nothing of it is left under it).
 * No vertex line is removed or moved, so every other face keeps its indices and its text: every other
 * line of the file is byte-identical. The cost is that the replaced element's vertices stay in the file,
 * unused; removing them would renumber (rewrite) the faces of every element after them. Materials the
 * restored element needs that today's MTL lacks are appended to it (a companion), with their textures
 * when today's folder lacks them.
 */
import { textureFileOf } from '../model/mtl.js';
import type { RelatedFileReader } from '../model/model.js';
import type { ElementFile, ElementHandler, ElementInfo, OutputFile, RestoreResult } from './element.js';
import { findElement } from './element.js';
import { elementName, mtlBlocks, parseObjDocument, type Geometry, type ObjDocument } from './obj-document.js';

interface Entry {
  info: ElementInfo;
  geometry: Geometry[];
  kind: 'object' | 'group';
  id: string;
}

function entries(doc: ObjDocument): Entry[] {
  const byName = new Map<string, Entry>();
  const order: Entry[] = [];
  const add = (kind: 'object' | 'group', id: string, g: Geometry): void => {
    const name = `${kind}:${id}`;
    let entry = byName.get(name);
    if (entry === undefined) {
      entry = { info: { name, kind: kind === 'object' ? 'object' : 'group', label: id, details: {} }, geometry: [], kind, id };
      byName.set(name, entry);
      order.push(entry);
    }
    entry.geometry.push(g);
  };
  for (const g of doc.geometry) {
    if (g.object !== undefined) add('object', g.object, g);
    if (g.group !== undefined) add('group', g.group, g);
  }
  for (const entry of order) {
    const vertices = new Set<number>();
    const materials: string[] = [];
    let faces = 0;
    let other = 0;
    for (const g of entry.geometry) {
      for (const r of g.refs) vertices.add(r.v);
      if (g.keyword === 'f') faces++;
      else other++;
      if (g.material !== undefined && !materials.includes(g.material)) materials.push(g.material);
    }
    entry.info.details = { faces, vertices: vertices.size, materials: materials.join(', '), ...(other > 0 ? { linesAndPoints: other } : {}) };
    if (entry.kind === 'group') {
      const objects = new Set(entry.geometry.map((g) => g.object));
      const only = [...objects][0];
      if (objects.size === 1 && only !== undefined) entry.info.parent = `object:${only}`;
    }
  }
  return order;
}

function lookup(file: string, list: Entry[], wanted: string): Entry {
  const info = findElement(file, list.map((e) => e.info), wanted);
  return list.find((e) => e.info === info) as Entry;
}

export async function listObjElements(file: ElementFile): Promise<ElementInfo[]> {
  return entries(parseObjDocument(file.name, file.data)).map((e) => e.info);
}

function line(raw: string, eol: string): string {
  return raw.replace(/\r?\n$/, '') + eol;
}

/**
 * The element's geometry as OBJ text: its vertices, texture coordinates and normals (the old lines'
 * text), then its faces with `g` / `usemtl` / `s` statements as they change, indices starting after
 * `base` (absolute, 1-based).
 */
function block(doc: ObjDocument, entry: Entry, base: { v: number; vt: number; vn: number }, eol: string): { text: string; counts: { v: number; vt: number; vn: number } } {
  const maps = { v: new Map<number, number>(), vt: new Map<number, number>(), vn: new Map<number, number>() };
  const take = (map: Map<number, number>, index: number | undefined): void => {
    if (index !== undefined && !map.has(index)) map.set(index, map.size);
  };
  for (const g of entry.geometry) {
    for (const r of g.refs) {
      take(maps.v, r.v);
      take(maps.vt, r.vt);
      take(maps.vn, r.vn);
    }
  }
  const out: string[] = [];
  for (const [kind, records] of [['v', doc.v], ['vt', doc.vt], ['vn', doc.vn]] as const) {
    for (const index of maps[kind].keys()) out.push(line((doc.records[records[index] as number] as { raw: string }).raw, eol));
  }
  let group: string | undefined;
  let material: string | undefined;
  let smoothing: string | undefined;
  for (const g of entry.geometry) {
    if (entry.kind === 'object' && g.group !== group && g.group !== undefined) out.push(`g ${g.group}${eol}`);
    group = g.group;
    if (g.material !== material && g.material !== undefined) out.push(`usemtl ${g.material}${eol}`);
    material = g.material;
    if (g.smoothing !== smoothing && g.smoothing !== undefined) out.push(`s ${g.smoothing}${eol}`);
    smoothing = g.smoothing;
    const refs = g.refs.map((r) => {
      const v = base.v + (maps.v.get(r.v) as number) + 1;
      const vt = r.vt === undefined ? '' : String(base.vt + (maps.vt.get(r.vt) as number) + 1);
      const vn = r.vn === undefined ? undefined : String(base.vn + (maps.vn.get(r.vn) as number) + 1);
      return vn !== undefined ? `${v}/${vt}/${vn}` : vt !== '' ? `${v}/${vt}` : String(v);
    });
    out.push(`${g.keyword} ${refs.join(' ')}${eol}`);
  }
  return { text: out.join(''), counts: { v: maps.v.size, vt: maps.vt.size, vn: maps.vn.size } };
}

function pathForms(path: string): string[] {
  const forms = [path];
  const slashed = path.replace(/\\/g, '/');
  if (slashed !== path) forms.push(slashed);
  const bare = slashed.replace(/^(\.\/)+/, '');
  if (bare !== slashed) forms.push(bare);
  return forms;
}

async function readForms(path: string, readRelated: RelatedFileReader | undefined): Promise<{ path: string; data: Buffer } | undefined> {
  if (readRelated === undefined) return undefined;
  for (const form of pathForms(path)) {
    const data = await readRelated(form);
    if (data !== undefined) return { path: form, data };
  }
  return undefined;
}

/** A relative path safe to write next to the output (no `..`, not absolute), `/`-separated. */
function safeRelative(path: string): string | undefined {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.split('/').includes('..')) return undefined;
  return p;
}

interface Library {
  /** The path as the OBJ names it (the first form that could be read). */
  path: string;
  text: string;
  blocks: Map<string, string>;
}

/** The material libraries of an OBJ that can be read (a `mtllib` line naming several is tried whole, then word by word). */
async function libraries(doc: ObjDocument, readRelated: RelatedFileReader | undefined): Promise<Library[]> {
  const out: Library[] = [];
  for (const lineArgs of doc.mtllibs) {
    const words = lineArgs.split(/\s+/).filter((w) => w !== '');
    const candidates = words.length > 1 ? [[lineArgs], words] : [[lineArgs]];
    for (const paths of candidates) {
      const found: Library[] = [];
      for (const path of paths) {
        const lib = await readForms(path, readRelated);
        if (lib !== undefined) {
          const text = lib.data.toString('latin1');
          found.push({ path: lib.path, text, blocks: mtlBlocks(text).blocks });
        }
      }
      if (found.length > 0) {
        out.push(...found);
        break;
      }
    }
  }
  return out;
}

function materialBlock(libs: Library[], name: string): string | undefined {
  for (const lib of libs) {
    const b = lib.blocks.get(name);
    if (b !== undefined) return b;
  }
  return undefined;
}

const TEXTURE_STATEMENTS = new Set(['bump', 'disp', 'decal', 'refl', 'norm']);

/** The texture files a material block references, as written. */
function texturesOf(blockText: string): string[] {
  const out: string[] = [];
  for (const raw of blockText.split(/\r?\n/)) {
    const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(raw);
    if (m === null) continue;
    const keyword = (m[1] as string).toLowerCase();
    if (!keyword.startsWith('map_') && !TEXTURE_STATEMENTS.has(keyword)) continue;
    const file = textureFileOf(m[2] as string);
    if (file !== undefined && !out.includes(file)) out.push(file);
  }
  return out;
}

function usedMaterials(entry: Entry): string[] {
  const out: string[] = [];
  for (const g of entry.geometry) if (g.material !== undefined && !out.includes(g.material)) out.push(g.material);
  return out;
}

function withEol(text: string, eol: string): string {
  return text === '' || text.endsWith('\n') ? text : text + eol;
}

/** The element as an OBJ of its own, with an MTL of its materials and their textures (companions). */
export async function extractObjElement(file: ElementFile, element: string, outName: string): Promise<OutputFile[]> {
  const doc = parseObjDocument(file.name, file.data);
  const entry = lookup(file.name, entries(doc), element);
  const stem = (outName.split(/[\\/]/).pop() as string).replace(/\.[^.]*$/, '');
  const objName = outName.replace(/\.[^./\\]*$/, '') + '.obj';
  const eol = doc.eol;
  const libs = await libraries(doc, file.readRelated);
  const materials = usedMaterials(entry).filter((m) => materialBlock(libs, m) !== undefined);
  const companions: OutputFile[] = [];
  const header: string[] = [`# ${entry.info.name} of ${file.name.split(/[\\/]/).pop() as string}${eol}`];
  if (materials.length > 0) {
    const mtlName = `${stem}.mtl`;
    header.push(`mtllib ${mtlName}${eol}`);
    const text = materials.map((m) => withEol(materialBlock(libs, m) as string, eol)).join('');
    companions.push({ name: mtlName, data: Buffer.from(text, 'latin1') });
    const seen = new Set<string>();
    for (const m of materials) {
      for (const texture of texturesOf(materialBlock(libs, m) as string)) {
        const target = safeRelative(texture);
        if (target === undefined || seen.has(target)) continue;
        const found = await readForms(texture, file.readRelated);
        if (found === undefined) continue;
        seen.add(target);
        companions.push({ name: target, data: found.data });
      }
    }
  }
  header.push(`${entry.kind === 'object' ? 'o' : 'g'} ${entry.id}${eol}`);
  const body = block(doc, entry, { v: 0, vt: 0, vn: 0 }, eol);
  return [{ name: objName, data: Buffer.from(header.join('') + body.text, 'latin1') }, ...companions];
}

export interface ObjRestoreResult extends RestoreResult {
  /** `replaced` (today's faces of it removed) or `added` (today's file lacked it); the old element is appended at the end either way. */
  placement: 'replaced' | 'added';
  /** Lines of today's file removed: the element's faces, lines and points, and its `o`/`g` line when nothing was left under it. */
  removedLines: number;
  /** Vertices appended for it (today's unused ones are kept: see the module comment). */
  appendedVertices: number;
  /** Materials appended to the MTL. */
  addedMaterials: string[];
}

/** `current` with the element as it is in `old`, appended with its own vertices; every other line unchanged. */
export async function restoreObjElement(current: ElementFile, old: ElementFile, element: string): Promise<ObjRestoreResult> {
  const before = parseObjDocument(old.name, old.data);
  const source = lookup(old.name, entries(before), element);
  const now = parseObjDocument(current.name, current.data);
  const existing = entries(now).find((e) => e.info.name === source.info.name);
  const eol = now.eol;

  // Today's lines of it: its geometry, and its header lines that nothing is left under.
  const drop = new Set<number>(existing?.geometry.map((g) => g.record) ?? []);
  if (existing !== undefined) {
    const headerKeyword = source.kind === 'object' ? 'o' : 'g';
    const ends = source.kind === 'object' ? new Set(['o']) : new Set(['o', 'g']);
    now.records.forEach((record, i) => {
      if (record.keyword !== headerKeyword || elementName(record.args) !== source.id) return;
      let j = i + 1;
      let kept = false;
      for (; j < now.records.length && !ends.has((now.records[j] as { keyword: string }).keyword); j++) {
        if (['f', 'fo', 'l', 'p'].includes((now.records[j] as { keyword: string }).keyword) && !drop.has(j)) kept = true;
      }
      if (!kept) drop.add(i);
    });
  }
  const kept = now.records.filter((_, i) => !drop.has(i)).map((r) => r.raw);
  let text = withEol(kept.join(''), eol);

  // Materials it needs that today's MTL lacks.
  const oldLibs = await libraries(before, old.readRelated);
  const nowLibs = await libraries(now, current.readRelated);
  const needed = usedMaterials(source).filter((m) => materialBlock(nowLibs, m) === undefined && materialBlock(oldLibs, m) !== undefined);
  const companions: OutputFile[] = [];
  const appendix: string[] = [];
  if (needed.length > 0) {
    const blocks = needed.map((m) => withEol(materialBlock(oldLibs, m) as string, eol)).join('');
    const home = nowLibs[0];
    if (home !== undefined) {
      const name = safeRelative(home.path) ?? home.path;
      companions.push({ name, data: Buffer.from(withEol(home.text, eol) + (home.text.trim() === '' ? '' : eol) + blocks, 'latin1') });
    } else {
      const named = now.mtllibs[0] ?? before.mtllibs[0] ?? `${(current.name.split(/[\\/]/).pop() as string).replace(/\.[^.]*$/, '')}.mtl`;
      const name = safeRelative(named) ?? 'materials.mtl';
      if (now.mtllibs.length === 0) appendix.push(`mtllib ${name}${eol}`);
      companions.push({ name, data: Buffer.from(blocks, 'latin1') });
    }
    const seen = new Set(companions.map((c) => c.name));
    for (const m of needed) {
      for (const texture of texturesOf(materialBlock(oldLibs, m) as string)) {
        const target = safeRelative(texture);
        if (target === undefined || seen.has(target)) continue;
        if ((await readForms(texture, current.readRelated)) !== undefined) continue;
        const found = await readForms(texture, old.readRelated);
        if (found === undefined) continue;
        seen.add(target);
        companions.push({ name: target, data: found.data });
      }
    }
  }

  // The old element, appended after today's last vertex.
  if (source.kind === 'object') appendix.push(`o ${source.id}${eol}`);
  else {
    const objects = new Set(source.geometry.map((g) => g.object));
    const only = [...objects][0];
    if (objects.size === 1 && only !== undefined) appendix.push(`o ${only}${eol}`);
    appendix.push(`g ${source.id}${eol}`);
  }
  const body = block(before, source, { v: now.v.length, vt: now.vt.length, vn: now.vn.length }, eol);
  appendix.push(body.text);
  text += appendix.join('');
  return {
    data: Buffer.from(text, 'latin1'),
    companions,
    restored: [source.info.name],
    placement: existing === undefined ? 'added' : 'replaced',
    removedLines: drop.size,
    appendedVertices: body.counts.v,
    addedMaterials: needed,
  };
}

export const objHandler: ElementHandler = {
  extensions: ['obj'],
  list: listObjElements,
  extract: extractObjElement,
  restore: restoreObjElement,
};
