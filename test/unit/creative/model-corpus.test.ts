/**
 * Every OBJ, STL, PLY, glTF and GLB file of Debian's assimp-testmodels (written by many programs,
 * deliberately broken ones included): each is read, or refused with ASSET_CORRUPT or ASSET_UNSUPPORTED
 * naming the file; never a raw exception. Every model that is read renders a thumbnail. Skipped, with
 * the reason, when the package can neither be found nor fetched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../../porcelain/index.js';
import { isModelPath } from '../../../personas/creative/model/model-formats.js';
import { parseModel } from '../../../personas/creative/model/parse-model.js';
import { renderModelThumbnail } from '../../../personas/creative/model/rasterizer.js';
import { debianMaterial } from '../../helpers/debian-material.js';

const MODELS = 'usr/share/assimp/models';
const material = debianMaterial('assimp-testmodels', MODELS);
if (!material.root) console.log(`[model-corpus] skipped: ${material.reason}`);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe.skipIf(!material.root)('the assimp test models', () => {
  it('are each read or refused with a clear asset error', async () => {
    const base = join(material.root as string, MODELS);
    const files = walk(base).filter(isModelPath).sort();
    expect(files.length).toBeGreaterThan(80);
    const read: string[] = [];
    const refused = new Map<string, number>();
    for (const file of files) {
      const name = relative(base, file);
      try {
        const model = await parseModel({
          name,
          data: readFileSync(file),
          readRelated: async (rel) => {
            try {
              return readFileSync(join(dirname(file), rel.replace(/\\/g, '/')));
            } catch {
              return undefined;
            }
          },
        });
        expect(model.vertexCount, name).toBe(model.meshes.reduce((n, m) => n + m.positions.length / 3, 0));
        const thumb = renderModelThumbnail(model, 64);
        expect(thumb.data.length, name).toBe(64 * 64 * 4);
        read.push(name);
      } catch (err) {
        if (!isStrataError(err)) throw new Error(`${name}: not a StrataError: ${String(err)}`);
        expect(['ASSET_CORRUPT', 'ASSET_UNSUPPORTED'], `${name}: ${err.code} ${err.message}`).toContain(err.code);
        expect(err.message).toContain(name.split('/').pop() as string);
        refused.set(err.code, (refused.get(err.code) ?? 0) + 1);
      }
    }
    console.log(`[model-corpus] ${files.length} files: ${read.length} read, refused ${JSON.stringify(Object.fromEntries(refused))}`);
    // Most of the set is valid: the refusals are glTF 1.0, Draco, and the deliberately broken files.
    expect(read.length).toBeGreaterThan(files.length * 0.6);
  }, 120_000);
});
