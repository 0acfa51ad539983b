/** The element handlers by file extension. */
import { StrataError } from '../../../porcelain/index.js';
import type { ElementHandler } from './element.js';
import { gltfHandler } from './gltf.js';
import { kraHandler } from './kra.js';
import { objHandler } from './obj.js';
import { oraHandler } from './ora.js';
import { psdHandler } from './psd.js';
import { svgHandler } from './svg.js';

export const ELEMENT_HANDLERS: readonly ElementHandler[] = [psdHandler, kraHandler, oraHandler, svgHandler, gltfHandler, objHandler];

/** Every extension with elements, lowercase. */
export const ELEMENT_EXTENSIONS: readonly string[] = ELEMENT_HANDLERS.flatMap((h) => h.extensions);

/** The handler for a file name; ASSET_UNSUPPORTED (listing what is supported) when there is none. */
export function elementHandlerFor(name: string): ElementHandler {
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase();
  const handler = ext === undefined ? undefined : ELEMENT_HANDLERS.find((h) => h.extensions.includes(ext));
  if (!handler) {
    throw new StrataError('ASSET_UNSUPPORTED', `${name}: strata cannot list the elements of this kind of file`, {
      hint: `elements are read from ${ELEMENT_EXTENSIONS.map((e) => `.${e}`).join(', ')} files`,
      data: { file: name },
    });
  }
  return handler;
}
