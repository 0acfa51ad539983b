/**
 * MTL: every texture a material uses: each `map_*` statement, `bump`, `disp`, `decal`, `refl` and
 * `norm`, with texture options such as `-s 1 1 1`, `-bm 0.5` or `-type sphere` skipped; the file name is
 * the rest of the line (names with spaces, `\` separators).
 */
import { LineIndex, byteText, utf8Of, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';
import { OPTION_ARITY, isTextureStatement } from '../model/mtl.js';

export function scanMtl(data: Buffer): Reference[] {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const out: Reference[] = [];
  const re = /^[ \t]*([A-Za-z_]+)[ \t]+([^\r\n]*)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const keyword = m[1] as string;
    const lower = keyword.toLowerCase();
    if (!isTextureStatement(lower)) continue;
    const rest = m[2] as string;
    const restStart = m.index + m[0].length - rest.length;
    const tokens = [...rest.matchAll(/\S+/g)].map((t) => ({ word: t[0], at: restStart + (t.index ?? 0) }));
    let i = 0;
    while (i < tokens.length) {
      const arity = OPTION_ARITY[(tokens[i] as { word: string }).word.toLowerCase()];
      if (arity === undefined) break;
      i++;
      if (arity > 0) i += arity;
      else {
        let taken = 0;
        while (taken < 3 && i < tokens.length && Number.isFinite(Number((tokens[i] as { word: string }).word))) {
          i++;
          taken++;
        }
      }
    }
    const first = tokens[i];
    const last = tokens[tokens.length - 1];
    if (!first || !last) continue;
    const written = text.slice(first.at, last.at + last.word.length);
    out.push({ target: utf8Of(written), kind: keyword, line: lines.lineOf(first.at), form: 'relative', quoting: 'none', span: [first.at, last.at + last.word.length] });
  }
  return out;
}

/** The references of an MTL file at `path` (root-relative), resolved with `ctx`. */
export function mtlReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanMtl(data), ctx);
}
