/** OBJ: the material libraries a model loads (`mtllib a.mtl b.mtl`, `\` separators accepted). */
import { LineIndex, byteText, utf8Of, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

/** `mtllib` lines: each word is a library, unless the words are not all `.mtl` names and the whole rest is (a name with spaces). */
export function scanObj(data: Buffer): Reference[] {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const out: Reference[] = [];
  const re = /^[ \t]*mtllib[ \t]+([^\r\n]*)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const rest = m[1] as string;
    const restStart = m.index + m[0].length - rest.length;
    const words: Array<{ word: string; at: number }> = [];
    for (const w of rest.matchAll(/\S+/g)) words.push({ word: w[0], at: restStart + (w.index ?? 0) });
    if (words.length === 0) continue;
    const whole = rest.trim();
    const names =
      words.length > 1 && !words.every((w) => /\.mtl$/i.test(w.word)) && /\.mtl$/i.test(whole)
        ? [{ word: whole, at: (words[0] as { at: number }).at }]
        : words;
    for (const n of names) {
      out.push({ target: utf8Of(n.word), kind: 'mtllib', line: lines.lineOf(n.at), form: 'relative', quoting: 'none', span: [n.at, n.at + n.word.length] });
    }
  }
  return out;
}

/** The references of an OBJ file at `path` (root-relative), resolved with `ctx`. */
export function objReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanObj(data), ctx);
}
