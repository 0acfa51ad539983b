/**
 * SVG element handler against real Inkscape drawings from Debian's openclipart-svg (layers, gradients
 * chained by xlink:href, a self-closing <defs/>) and small synthetic documents with known answers: the
 * restored file is well-formed (fast-xml-parser's XMLValidator) and every byte outside the restored
 * element and the added definitions is the current file's.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { svgHandler, restoreSvgElement } from '../../../personas/creative/elements/svg.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/creative/elements/svg');
const fixture = (name: string) => ({ name, data: readFileSync(join(dir, name)) });
const svgFile = (name: string, text: string) => ({ name, data: Buffer.from(text, 'utf8') });

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

/** The ids an SVG text refers to (url(#…) and href="#…") and the ids it defines. */
function references(text: string): { used: Set<string>; defined: Set<string> } {
  const used = new Set([...text.matchAll(/url\(#([^)]+)\)/g), ...text.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] as string));
  const defined = new Set([...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string));
  return { used, defined };
}

/** The source text of the element with this id (start tag to its matching end), by a plain scan. */
function elementText(text: string, id: string): string {
  const start = text.lastIndexOf('<', text.indexOf(` id="${id}"`));
  const tag = /^<([\w:.-]+)/.exec(text.slice(start))?.[1] as string;
  let depth = 0;
  // Walk tags of the same name, counting depth; an empty-element tag closes itself.
  const tagRe = new RegExp(`<(/?)${tag.replace(/[.:]/g, '\\$&')}(?=[\\s>/])[^>]*?(/?)>`, 'g');
  tagRe.lastIndex = start;
  for (let m = tagRe.exec(text); m !== null; m = tagRe.exec(text)) {
    if (m[1] === '/') depth--;
    else if (m[2] !== '/') depth++;
    if (depth === 0) return text.slice(start, m.index + m[0].length);
  }
  throw new Error(`no end for ${id}`);
}

describe('SVG elements: list', () => {
  it('lists every element with an id, Inkscape layers with their labels (vacuum cleaner, openclipart)', async () => {
    const list = await svgHandler.list(fixture('vacuum.svg'));
    expect(list).toHaveLength(46);
    const layers = list.filter((e) => e.kind === 'layer');
    expect(layers.map((l) => [l.name, l.label])).toEqual([
      ['#layer6', 'tube'],
      ['#layer5', 'head'],
      ['#layer2', 'vacuum'],
      ['#layer3', 'shading'],
      ['#layer4', 'hose'],
    ]);
    const hose = layers[4];
    expect(hose?.parent).toBe('#svg2');
    expect(hose?.details).toMatchObject({ tag: 'g', children: 1, visible: true });
    expect(list.find((e) => e.name === '#linearGradient2669')).toMatchObject({ kind: 'element', parent: '#defs3', details: { tag: 'linearGradient' } });
    // Parents are the nearest ancestor with an id.
    const inner = list.find((e) => e.name === '#rect2660');
    expect(inner?.parent?.startsWith('#')).toBe(true);
    expect(list.find((e) => e.name === inner?.parent)?.kind).toBeDefined();
  });

  it('three layers labelled alike are told apart by id; transforms and child counts (ex_yves_guillou)', async () => {
    const list = await svgHandler.list(fixture('ex.svg'));
    const layers = list.filter((e) => e.kind === 'layer');
    expect(layers.map((l) => l.name)).toEqual(['#layer1', '#g1196', '#g1281']);
    expect(layers.every((l) => l.label === 'Layer 1')).toBe(true);
    expect(layers[1]?.details.transform).toBe('matrix(0.925703,0.000000,0.000000,0.925703,31.32957,35.73508)');
    expect(list.find((e) => e.name === '#g2119')?.details).toMatchObject({ children: 2 });
    // The label is ambiguous: not found, with the close matches named.
    const err = await errorOf(svgHandler.extract(fixture('ex.svg'), 'Layer 1', 'x.svg'));
    expect(err.code).toBe('ELEMENT_NOT_FOUND');
    expect(err.message).toContain('#layer1');
  });

  it('visibility follows display:none and visibility:hidden, inherited; duplicate ids get #2', async () => {
    const text = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">
  <g id="hidden" inkscape:groupmode="layer" inkscape:label="Caché é" style="display:none"><rect id="inner" width="1" height="1"/></g>
  <g id="ghost" visibility="hidden"><rect id="shown" visibility="visible" width="1" height="1"/><rect id="still" width="1" height="1"/></g>
  <rect id="twin" width="1" height="1"/><rect id="twin" width="2" height="1"/>
</svg>`;
    const list = await svgHandler.list(svgFile('v.svg', text));
    const byName = new Map(list.map((e) => [e.name, e]));
    expect(byName.get('#hidden')).toMatchObject({ kind: 'layer', label: 'Caché é', details: { visible: false } });
    expect(byName.get('#inner')?.details.visible).toBe(false);
    expect(byName.get('#ghost')?.details.visible).toBe(false);
    expect(byName.get('#shown')?.details.visible).toBe(true);
    expect(byName.get('#still')?.details.visible).toBe(false);
    expect(list.filter((e) => e.name.startsWith('#twin')).map((e) => e.name)).toEqual(['#twin', '#twin#2']);
  });
});

describe('SVG elements: extract', () => {
  it('a layer as a standalone SVG with the definitions it references, transitively (by its label "hose")', async () => {
    const source = fixture('vacuum.svg');
    const [out, ...rest] = await svgHandler.extract(source, 'hose', 'hose.png');
    expect(rest).toEqual([]);
    expect(out?.name).toBe('hose.svg');
    const text = (out as { data: Buffer }).data.toString('utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const sourceText = source.data.toString('utf8');
    expect(text).toContain(elementText(sourceText, 'layer4'));
    // The root start tag (size, namespaces) is kept as written.
    expect(text).toContain('<svg height="1052.3622047" id="svg2"');
    const { used, defined } = references(text);
    for (const id of used) expect(defined.has(id), `#${id} is defined`).toBe(true);
    // layer4 uses linearGradient2669, which takes its stops from linearGradient2671 (xlink:href).
    expect(defined.has('linearGradient2669') && defined.has('linearGradient2671')).toBe(true);
    // Nothing else of the drawing came along.
    expect(defined.has('layer2')).toBe(false);
    const gradients = [...defined].filter((id) => /Gradient/.test(id)).sort();
    // Used directly: 2193 2606 2669 2697 2709; through xlink:href: 2159 2600 2671 2691. Not 2165 (unused by the hose).
    expect(gradients).toEqual(['linearGradient2159', 'linearGradient2193', 'linearGradient2600', 'linearGradient2606', 'linearGradient2669', 'linearGradient2671', 'linearGradient2691', 'radialGradient2697', 'radialGradient2709']);
  });

  it('composes the ancestors’ transforms, outermost first, and copies <style> sheets and namespaces', async () => {
    const text = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">
  <style>.red{fill:red}</style>
  <g id="outer" transform="translate(10,0)">
    <g id="mid" xmlns:x="urn:x" x:note="n">
      <g id="inner" transform="scale(2)"><circle id="dot" class="red" r="3" x:a="1"/></g>
    </g>
  </g>
</svg>`;
    const [out] = await svgHandler.extract(svgFile('t.svg', text), '#dot', 'dot.svg');
    const result = (out as { data: Buffer }).data.toString('utf8');
    expect(result).toBe(`<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50" xmlns:x="urn:x">
  <style>.red{fill:red}</style>
  <g transform="translate(10,0) scale(2)">
    <circle id="dot" class="red" r="3" x:a="1"/>
  </g>
</svg>
`);
    expect(XMLValidator.validate(result)).toBe(true);
  });
});

describe('SVG elements: restore', () => {
  it('puts a layer back byte for byte; every other byte of today’s file is kept; missing gradients come back into <defs>', async () => {
    const old = fixture('vacuum.svg');
    const oldText = old.data.toString('latin1');
    const oldLayer = elementText(oldText, 'layer4');
    const oldShading = elementText(oldText, 'layer3');
    // Today: the hose was redrawn, the shading layer was edited too, and a gradient the hose used was deleted.
    const gradient = elementText(oldText, 'radialGradient2709');
    let todayText = oldText.replace(oldLayer, oldLayer.replace(/d="M [0-9.]+,/, 'd="M 1,').replace('<g id="layer4"', '<g id="layer4" opacity="0.5"'));
    todayText = todayText.replace(oldShading, oldShading.replace('id="layer3"', 'id="layer3" opacity="0.2"'));
    todayText = todayText.replace(gradient, '');
    expect(todayText).not.toBe(oldText);
    const current = { name: 'vacuum.svg', data: Buffer.from(todayText, 'latin1') };

    const result = await restoreSvgElement(current, old, 'hose');
    expect(result.placement).toBe('replaced');
    expect(result.addedDefinitions).toEqual(['#radialGradient2709']);
    expect(result.restored[0]).toBe('#layer4');
    expect(result.restored).toContain('#radialGradient2709');
    expect(result.companions).toEqual([]);
    const text = result.data.toString('latin1');
    expect(XMLValidator.validate(result.data.toString('utf8'))).toBe(true);
    expect(elementText(text, 'layer4')).toBe(oldLayer);
    // The edited shading layer is today's.
    expect(elementText(text, 'layer3')).toBe(elementText(todayText, 'layer3'));
    // Undo the two edits by hand: exactly today's bytes remain.
    const todayLayer = elementText(todayText, 'layer4');
    const undone = text.replace(oldLayer, todayLayer).replace(`\n    ${gradient}`, '');
    expect(undone).toBe(todayText);
  });

  it('adds an element the current file lacks into its parent, after its old previous sibling', async () => {
    const old = fixture('vacuum.svg');
    const oldText = old.data.toString('latin1');
    const path = elementText(oldText, 'rect2660');
    const start = oldText.indexOf(path);
    let ws = start;
    while (/\s/.test(oldText[ws - 1] as string)) ws--;
    const todayText = oldText.slice(0, ws) + oldText.slice(start + path.length);
    const result = await restoreSvgElement({ name: 'vacuum.svg', data: Buffer.from(todayText, 'latin1') }, old, '#rect2660');
    expect(result.placement).toBe('parent');
    const parentId = (await svgHandler.list(old)).find((e) => e.name === '#rect2660')?.parent;
    expect(result.parent).toBe(parentId);
    // The same place and indentation as before: the old file back exactly.
    expect(result.data.toString('latin1')).toBe(oldText);
  });

  it('adds at the end of the root when no ancestor exists; expands a self-closing <defs/> (ex_yves_guillou)', async () => {
    const current = fixture('ex.svg');
    const curText = current.data.toString('latin1');
    const closing = curText.lastIndexOf('</svg>');
    const oldText = curText.replace('<defs id="defs3"/>', '<defs id="defs3"><linearGradient id="lg1"><stop offset="0" style="stop-color:#fff"/></linearGradient></defs>');
    const withLayer = oldText.replace('</svg>', '  <g id="extra" inkscape:groupmode="layer" inkscape:label="Extra"><g id="sub"><rect id="r" fill="url(#lg1)" width="5" height="5"/></g></g>\n</svg>');
    const old = { name: 'ex.svg', data: Buffer.from(withLayer, 'latin1') };
    const result = await restoreSvgElement(current, old, '#sub');
    expect(result.placement).toBe('root');
    expect(result.parent).toBe('#svg1');
    expect(result.addedDefinitions).toEqual(['#lg1']);
    const text = result.data.toString('latin1');
    expect(XMLValidator.validate(text)).toBe(true);
    const gradient = '<linearGradient id="lg1"><stop offset="0" style="stop-color:#fff"/></linearGradient>';
    const lastChildEnd = curText.lastIndexOf('>', closing - 1) + 1;
    const expected =
      curText.slice(0, lastChildEnd).replace('<defs id="defs3"/>', `<defs id="defs3">\n    ${gradient}\n  </defs>`) +
      '\n  <g id="sub"><rect id="r" fill="url(#lg1)" width="5" height="5"/></g>' +
      curText.slice(lastChildEnd);
    expect(text).toBe(expected);
  });

  it('creates <defs> when the current file has none; keeps non-ASCII bytes as they are', async () => {
    const today = `<svg xmlns="http://www.w3.org/2000/svg">\n  <text id="t">Grüße</text>\n  <rect id="box" width="1" height="1"/>\n</svg>\n`;
    const before = `<svg xmlns="http://www.w3.org/2000/svg">\n  <defs><pattern id="p" width="2" height="2"><rect width="1" height="1"/></pattern></defs>\n  <text id="t">Grüße</text>\n  <rect id="box" width="9" height="9" fill="url(#p)"/>\n</svg>\n`;
    const result = await svgHandler.restore(svgFile('a.svg', today), svgFile('a.svg', before), '#box');
    const text = result.data.toString('utf8');
    expect(text).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg">\n  <defs>\n    <pattern id="p" width="2" height="2"><rect width="1" height="1"/></pattern>\n  </defs>\n  <text id="t">Grüße</text>\n  <rect id="box" width="9" height="9" fill="url(#p)"/>\n</svg>\n`,
    );
  });
});

describe('SVG elements: bad input', () => {
  it('truncated, not XML, not SVG, UTF-16, unknown element', async () => {
    const data = readFileSync(join(dir, 'magnifier.svg'));
    const truncated = await errorOf(svgHandler.list({ name: 'm.svg', data: data.subarray(0, 3000) }));
    expect(truncated.code).toBe('ASSET_CORRUPT');
    expect(truncated.message).toContain('m.svg');
    const png = await errorOf(svgHandler.list({ name: 'p.svg', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]) }));
    expect(png.code).toBe('ASSET_CORRUPT');
    const empty = await errorOf(svgHandler.list({ name: 'e.svg', data: Buffer.alloc(0) }));
    expect(empty.code).toBe('ASSET_CORRUPT');
    const html = await errorOf(svgHandler.list(svgFile('h.svg', '<html><body id="b"/></html>')));
    expect(html.code).toBe('ASSET_UNSUPPORTED');
    const utf16 = await errorOf(svgHandler.list({ name: 'u.svg', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<svg/>', 'utf16le')]) }));
    expect(utf16.code).toBe('ASSET_UNSUPPORTED');
    const missing = await errorOf(svgHandler.extract(fixture('magnifier.svg'), '#layr2', 'x.svg'));
    expect(missing.code).toBe('ELEMENT_NOT_FOUND');
    expect(missing.data?.closeMatches).toContain('#layer2');
    const notInOld = await errorOf(svgHandler.restore(fixture('magnifier.svg'), fixture('vacuum.svg'), '#path2051'));
    expect(notInOld.code).toBe('ELEMENT_NOT_FOUND');
  });

  it('restores on every element of the three real drawings: well-formed, and a no-op when nothing changed', async () => {
    for (const name of ['vacuum.svg', 'magnifier.svg', 'ex.svg']) {
      const file = fixture(name);
      for (const element of await svgHandler.list(file)) {
        const result = await svgHandler.restore(file, file, element.name);
        expect(result.data.equals(file.data), `${name} ${element.name}`).toBe(true);
        const [out] = await svgHandler.extract(file, element.name, 'out.svg');
        expect(XMLValidator.validate((out as { data: Buffer }).data.toString('utf8')), `${name} ${element.name}`).toBe(true);
      }
    }
  });
});
