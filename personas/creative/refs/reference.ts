/**
 * A reference from one file of a project to another, as an extractor finds it: the target as written,
 * where it is in the file (so `mv` can rewrite it byte-exactly), how it is written (a relative path,
 * a URI, a Godot `res://` path, a Godot `uid://`, a Unity GUID) and, once resolved, the root-relative
 * path it names.
 *
 * Extractors read a file as latin1 text: one character per byte, so every offset is a byte offset and a
 * rewrite can keep every other byte of the file exactly; the syntax they look for is ASCII. Targets are
 * turned back into UTF-8 text before they are reported.
 */

/** How a target is written, which decides how it is resolved and rewritten. */
export type RefForm =
  /** A path relative to the referring file's folder (`\` accepted), no URI escapes (OBJ, MTL). */
  | 'relative'
  /** A URI reference: relative path, `%` escapes, `?query` and `#fragment` (glTF, SVG, HTML, CSS). */
  | 'uri'
  /** A Godot `res://` path (relative to the folder holding `project.godot`). */
  | 'res'
  /** A Godot `uid://` (resolved through `.import`/`.uid` files and scene headers). */
  | 'uid'
  /** A Unity GUID (resolved through the `.meta` files). */
  | 'guid';

/** How the written target is quoted in the file, for reading it and writing a new one. */
export type Quoting = 'none' | 'json' | 'xml' | 'css' | 'godot';

/** Why a reference has no resolved path. */
export type Unresolved =
  /** A URL with a scheme (`http:`, `data:`, `mailto:`) or a network path (`//host/x`). */
  | 'url'
  /** An absolute file-system path (`/home/…`, `C:\…`): it names nothing inside the project. */
  | 'absolute'
  /** A relative path that leaves the project's root. */
  | 'outside'
  /** A Unity built-in resource (GUID 0000000000000000e000000000000000 and the like). */
  | 'builtin'
  /** A GUID that no `.meta` file declares: broken. */
  | 'unknown-guid'
  /** A `uid://` that no `.import`/`.uid` file or resource header declares, with no path to fall back on: broken. */
  | 'unknown-uid';

export interface Reference {
  /** The target as written in the file (quoting undone: XML entities, JSON escapes). */
  target: string;
  /** The root-relative, `/`-separated path it names, once resolved. */
  resolved?: string;
  /** What kind of reference: `mtllib`, `map_Kd`, `gltf-image`, `svg-image`, `css-url`, `godot-ext-resource`, `unity-guid`… */
  kind: string;
  /** 1-based line in the referring file. */
  line?: number;
  form: RefForm;
  quoting?: Quoting;
  /** Byte range [start, end) of the path as written (without `?query#fragment`), when it can be rewritten. */
  span?: [number, number];
  /** A Godot ext_resource's `uid://`, besides its path (the uid wins when it resolves). */
  uid?: string;
  /** Why there is no resolved path. `unknown-guid`/`unknown-uid` count as broken. */
  unresolved?: Unresolved;
  /**
   * A side-car's pointer back to its asset (a Godot `.import` file's `source_file`): rewritten by mv,
   * but it does not make the asset "used".
   */
  sidecar?: boolean;
}

/** What a file declares about identities (Unity `.meta` GUIDs, Godot uids) for resolving others' references. */
export interface Declaration {
  /** `guid` (Unity) or `uid` (Godot). */
  scheme: 'guid' | 'uid';
  /** The GUID (32 lowercase hex) or the `uid://…` text. */
  id: string;
  /** The root-relative path of the file it names. */
  path: string;
}

/** Everything read from one file: its references (unresolved) and its declarations. */
export interface FileExtraction {
  /** The extractor that read it (`obj`, `mtl`, `gltf`, `glb`, `svg`, `html`, `css`, `godot`, `godot-import`, `godot-uid`, `unity-meta`, `unity-yaml`, `gdscript`, `godot-project`). */
  format: string;
  refs: Reference[];
  declares: Declaration[];
}

/** Latin1 text of a file: one character per byte. */
export function byteText(data: Buffer): string {
  return data.toString('latin1');
}

/** Bytes read as latin1 back to the UTF-8 text they encode. */
export function utf8Of(latin1: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** Maps byte offsets to 1-based line numbers (built once per file, binary search per lookup). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML/HTML character references undone (`&amp;` -> `&`, `&#x20;` -> ` `). */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return XML_ENTITIES[name.toLowerCase()] ?? all;
  });
}

/** CSS escapes undone (`\"`, `\ `, `\20 `). */
export function decodeCssText(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\([0-9a-f]{1,6}\s?|[^0-9a-f\n])/gi, (_all, esc: string) => {
    if (/^[0-9a-f]/i.test(esc)) return String.fromCodePoint(parseInt(esc.trim(), 16));
    return esc;
  });
}

/** A JSON string's body (between the quotes) undone. */
export function decodeJsonText(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** Undoes a quoting. */
export function unquote(raw: string, quoting: Quoting): string {
  switch (quoting) {
    case 'xml':
      return decodeXmlText(raw);
    case 'json':
      return decodeJsonText(raw);
    case 'css':
      return decodeCssText(raw);
    case 'godot':
      return raw.replace(/\\(.)/g, '$1');
    default:
      return raw;
  }
}

/** Writes text for a quoting (the inverse of `unquote`, for the characters that need it). */
export function quote(text: string, quoting: Quoting): string {
  switch (quoting) {
    case 'xml':
      return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    case 'json':
      return JSON.stringify(text).slice(1, -1);
    case 'css':
      return text.replace(/[\\"'()\s]/g, (c) => `\\${c}`);
    case 'godot':
      return text.replace(/[\\"]/g, (c) => `\\${c}`);
    default:
      return text;
  }
}

/** Nothing a reference can point to: empty, a fragment of the same file, a `data:` URI (the content is inline), a template placeholder. */
export function isSelfOrEmpty(target: string): boolean {
  const t = target.trim();
  return t === '' || t.startsWith('#') || /^data:/i.test(t) || t.includes('{{') || t.includes('${') || t.includes('<%');
}

/**
 * Builds a reference from a raw value found at `start` in the latin1 text: undoes the quoting and, for
 * URI references, leaves `?query#fragment` out of the rewritable span. Undefined for nothing to follow.
 */
export function makeRef(
  lines: LineIndex,
  raw: string,
  start: number,
  kind: string,
  form: RefForm,
  quoting: Quoting,
  /** Added to the span (the text is a part of the file starting there); lines are counted in the text. */
  base = 0,
): Reference | undefined {
  // Leading/trailing white space inside quotes is not part of the path.
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  const target = utf8Of(unquote(trimmed, quoting));
  if (isSelfOrEmpty(target)) return undefined;
  let pathLength = trimmed.length;
  if (form === 'uri') {
    const cut = trimmed.search(/[?#]/);
    if (cut >= 0) pathLength = cut;
  }
  const at = base + start + lead;
  return { target, kind, line: lines.lineOf(start + lead), form, quoting, span: [at, at + pathLength] };
}
