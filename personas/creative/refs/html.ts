/**
 * HTML: `src` (img, script, source, video, audio, track, embed, iframe, input), `href` of `<link>` (style
 * sheets, icons, preloads), `srcset` candidates, `poster`, `<object data>`, `url(…)` in `style`
 * attributes and `<style>` elements. `<a href>` links are navigation, not assets, and are not followed.
 */
import { scanCssText } from './css.js';
import { scanMarkup, type Attribute } from './markup.js';
import { LineIndex, byteText, makeRef, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

/** The URLs of a `srcset` value ("a.png 1x, b.png 2x"), with their offsets in the value. */
export function srcsetUrls(value: string): Array<{ url: string; at: number }> {
  const out: Array<{ url: string; at: number }> = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /[\s,]/.test(value[i] as string)) i++;
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !/\s/.test(value[i] as string)) i++;
    let url = value.slice(start, i);
    // A candidate without descriptor ends at its comma.
    const trailing = /,+$/.exec(url);
    if (trailing) url = url.slice(0, url.length - trailing[0].length);
    else {
      // Skip the descriptors, up to the comma that ends this candidate (parentheses may hold commas).
      let depth = 0;
      while (i < value.length && !(value[i] === ',' && depth === 0)) {
        if (value[i] === '(') depth++;
        else if (value[i] === ')') depth = Math.max(0, depth - 1);
        i++;
      }
    }
    if (url !== '') out.push({ url, at: start });
  }
  return out;
}

export function scanHtml(data: Buffer): Reference[] {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const { tags, styles } = scanMarkup(text);
  const out: Reference[] = [];
  const push = (attr: Attribute, kind: string, raw = attr.value, offset = 0): void => {
    const ref = makeRef(lines, raw, attr.start + offset, kind, 'uri', 'xml');
    if (ref) out.push(ref);
  };
  for (const tag of tags) {
    for (const attr of tag.attributes) {
      switch (attr.name) {
        case 'src':
          push(attr, 'html-src');
          break;
        case 'href':
        case 'xlink:href':
          if (tag.name === 'link' || tag.name === 'image' || tag.name === 'use') push(attr, 'html-href');
          break;
        case 'srcset':
        case 'imagesrcset':
          for (const u of srcsetUrls(attr.value)) push(attr, 'html-srcset', u.url, u.at);
          break;
        case 'poster':
          push(attr, 'html-poster');
          break;
        case 'data':
          if (tag.name === 'object') push(attr, 'html-src');
          break;
        case 'style':
          out.push(...scanCssText(attr.value, attr.start, lines, 'xml', 'html-style-url'));
          break;
      }
    }
  }
  for (const s of styles) out.push(...scanCssText(s.text, s.start, lines, 'css', 'html-style-url'));
  return out.sort((a, b) => (a.span?.[0] ?? 0) - (b.span?.[0] ?? 0));
}

/** The references of an HTML page at `path` (root-relative), resolved with `ctx`. */
export function htmlReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanHtml(data), ctx);
}
