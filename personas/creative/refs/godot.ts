/**
 * Godot (3 and 4): scenes and resources (`.tscn`, `.tres`) reference other files by
 * `[ext_resource path="res://…" …]`, in Godot 4 with a `uid="uid://…"` that wins when it resolves;
 * `project.godot` names the main scene, icon and autoloads; GDScript `load`/`preload`s them. The
 * identities come from `.import` files (`[remap] uid=`, for the asset beside them), `.uid` files
 * (Godot 4.4, for scripts and shaders) and the `uid=` in a scene's or resource's own header.
 * `res://` is the folder holding `project.godot` (the nearest above the file), else the scanned root.
 */
import { LineIndex, byteText, makeRef, utf8Of, type Declaration, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

const SECTION_RE = /^\[(ext_resource|gd_scene|gd_resource)\b((?:[^\]"]|"(?:[^"\\]|\\.)*")*)\]/gm;
const FIELD_RE = /([A-Za-z_]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s\]]+)/g;

interface Field {
  value: string;
  /** Offset of the value's first byte inside the quotes. */
  start: number;
}

function fieldsOf(body: string, bodyStart: number): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const f of body.matchAll(FIELD_RE)) {
    const raw = f[2] as string;
    const quoted = raw.startsWith('"');
    const value = quoted ? raw.slice(1, -1) : raw;
    out.set((f[1] as string).toLowerCase(), { value, start: bodyStart + (f.index ?? 0) + (f[0].length - raw.length) + (quoted ? 1 : 0) });
  }
  return out;
}

/** A scene's or resource's ext_resources, and its own uid (declared for `path`). */
export function scanGodotResource(data: Buffer, path: string): { refs: Reference[]; declares: Declaration[] } {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const refs: Reference[] = [];
  const declares: Declaration[] = [];
  SECTION_RE.lastIndex = 0;
  for (let m = SECTION_RE.exec(text); m; m = SECTION_RE.exec(text)) {
    const body = m[2] as string;
    const fields = fieldsOf(body, m.index + 1 + (m[1] as string).length);
    const uid = fields.get('uid')?.value;
    if (m[1] !== 'ext_resource') {
      if (uid?.startsWith('uid://')) declares.push({ scheme: 'uid', id: uid, path });
      continue;
    }
    const p = fields.get('path');
    if (p) {
      const ref = makeRef(lines, p.value, p.start, 'godot-ext-resource', 'res', 'godot');
      if (ref) {
        if (uid?.startsWith('uid://')) ref.uid = uid;
        refs.push(ref);
      }
    } else if (uid?.startsWith('uid://')) {
      refs.push({ target: uid, kind: 'godot-ext-resource', line: lines.lineOf(m.index), form: 'uid' });
    }
  }
  return { refs, declares };
}

/** Quoted `res://` and `uid://` strings (project.godot settings, GDScript loads). */
function quotedResPaths(data: Buffer, kind: string, pattern: RegExp): Reference[] {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const out: Reference[] = [];
  for (const m of text.matchAll(pattern)) {
    const raw = m[1] as string;
    const start = (m.index ?? 0) + m[0].lastIndexOf(raw);
    if (raw.startsWith('uid://')) {
      out.push({ target: utf8Of(raw), kind, line: lines.lineOf(start), form: 'uid' });
      continue;
    }
    const ref = makeRef(lines, raw, start, kind, 'res', 'godot');
    if (ref) out.push(ref);
  }
  return out;
}

/** project.godot: every quoted `res://`/`uid://` value (main scene, icon, autoloads written `"*res://…"`). */
export function scanGodotProject(data: Buffer): Reference[] {
  return quotedResPaths(data, 'godot-project', /"\*?((?:res|uid):\/\/(?:[^"\\]|\\.)*)"/g);
}

/** GDScript: `load("res://…")` and `preload("res://…")`. */
export function scanGdscript(data: Buffer): Reference[] {
  return quotedResPaths(data, 'gdscript-load', /\b(?:pre)?load\(\s*["']((?:res|uid):\/\/[^"'\n]*)["']/g);
}

/**
 * A `.import` file: the uid of the asset beside it (`icon.png.import` -> `icon.png`), and its
 * `source_file` as a side-car reference (rewritten when the asset moves).
 */
export function scanGodotImport(data: Buffer, path: string): { refs: Reference[]; declares: Declaration[] } {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const asset = path.slice(0, -'.import'.length);
  const declares: Declaration[] = [];
  const uid = /^uid\s*=\s*"(uid:\/\/[^"]+)"/m.exec(text)?.[1];
  if (uid !== undefined) declares.push({ scheme: 'uid', id: uid, path: asset });
  const refs: Reference[] = [];
  const source = /^source_file\s*=\s*"((?:[^"\\]|\\.)*)"/m.exec(text);
  if (source) {
    const ref = makeRef(lines, source[1] as string, source.index + source[0].length - 1 - (source[1] as string).length, 'godot-import-source', 'res', 'godot');
    if (ref) refs.push({ ...ref, sidecar: true });
  }
  return { refs, declares };
}

/** A `.uid` file (Godot 4.4): `uid://…` for the file beside it (`player.gd.uid` -> `player.gd`). */
export function scanGodotUid(data: Buffer, path: string): Declaration[] {
  const uid = /uid:\/\/[0-9a-z]+/.exec(byteText(data))?.[0];
  return uid === undefined ? [] : [{ scheme: 'uid', id: uid, path: path.slice(0, -'.uid'.length) }];
}

/** The references of a `.tscn`/`.tres` file at `path` (root-relative), resolved with `ctx`. */
export function godotReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanGodotResource(data, path).refs, ctx);
}
