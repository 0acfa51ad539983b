/**
 * SVG: `href` and `xlink:href` to files (`<image>`, `<use href="icons.svg#star">`, `<feImage>`; not
 * `#id` links inside the file, not `<a>` links), `url(…)` to files in presentation attributes (`fill`,
 * `filter`, `mask`…), in `style` attributes and `<style>` elements, fonts in `@font-face src: url(…)`
 * and `@import`ed style sheets.
 */
import { scanCssText } from './css.js';
import { scanMarkup } from './markup.js';
import { LineIndex, byteText, makeRef, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

const HREF_KINDS: Record<string, string> = { image: 'svg-image', feimage: 'svg-image', use: 'svg-use', script: 'svg-script' };

export function scanSvg(data: Buffer): Reference[] {
  const text = byteText(data);
  const lines = new LineIndex(text);
  const { tags, styles } = scanMarkup(text);
  const out: Reference[] = [];
  for (const tag of tags) {
    if (tag.name === 'a' || tag.name.endsWith(':a')) continue;
    for (const attr of tag.attributes) {
      if (attr.name === 'href' || attr.name === 'xlink:href') {
        const ref = makeRef(lines, attr.value, attr.start, HREF_KINDS[tag.name] ?? 'svg-href', 'uri', 'xml');
        if (ref) out.push(ref);
      } else if (attr.name === 'style' || attr.value.includes('url(')) {
        out.push(...scanCssText(attr.value, attr.start, lines, 'xml', 'svg-url'));
      }
    }
  }
  for (const s of styles) out.push(...scanCssText(s.text, s.start, lines, 'css', 'svg-url'));
  return out.sort((a, b) => (a.span?.[0] ?? 0) - (b.span?.[0] ?? 0));
}

/** The references of an SVG file at `path` (root-relative), resolved with `ctx`. */
export function svgReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanSvg(data), ctx);
}
