/**
 * The one entry point of the model parsers: dispatches on the format (by extension, confirmed by the
 * content) and guarantees that whatever goes wrong comes out as a StrataError naming the file:
 * ASSET_CORRUPT (truncated or malformed), ASSET_UNSUPPORTED (a format or feature strata does not read)
 * or INVALID_ARGUMENT (a name that is not a model's). Never a library's raw exception.
 */
import { StrataError } from '../../../porcelain/index.js';
import type { Model, RelatedFileReader } from './model.js';
import { modelCorrupt } from './model-error.js';
import { modelFormatOf } from './model-formats.js';
import { parseGltf } from './gltf.js';
import { parseObj } from './obj.js';
import { parsePly } from './ply.js';
import { parseStl } from './stl.js';
import { hasPlyMagic } from './model-formats.js';

export interface ParseModelOptions {
  /** The file's name or path (its extension picks the format; messages name it). */
  name: string;
  data: Buffer;
  /** Reads files the model references (MTL libraries, glTF buffers), relative to the model's folder. */
  readRelated?: RelatedFileReader;
}

export async function parseModel(options: ParseModelOptions): Promise<Model> {
  const { name, data, readRelated } = options;
  const format = modelFormatOf(name, data);
  if (format === undefined) {
    throw new StrataError('INVALID_ARGUMENT', `${name}: not a 3D model file strata reads (.obj .stl .ply .gltf .glb).`, {
      data: { file: name },
    });
  }
  try {
    switch (format) {
      case 'obj':
        if (data.length === 0) throw modelCorrupt(name, 'file is empty');
        return await parseObj({ name, data, ...(readRelated === undefined ? {} : { readRelated }) });
      case 'stl':
        return parseStl({ name, data });
      case 'ply':
        if (data.length > 0 && !hasPlyMagic(data)) throw modelCorrupt(name, 'PLY file does not start with "ply"', 'byte 0');
        return parsePly({ name, data });
      case 'gltf':
      case 'glb':
        return await parseGltf({ name, data, binary: format === 'glb', ...(readRelated === undefined ? {} : { readRelated }) });
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    if (err instanceof RangeError && /allocation|Array buffer|Invalid typed array length/i.test(err.message)) {
      throw modelCorrupt(name, `declares more data than can be held in memory (${err.message})`);
    }
    throw modelCorrupt(name, `could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}


