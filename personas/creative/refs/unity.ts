/**
 * Unity: every asset has a `.meta` file beside it whose top-level `guid:` is the asset's identity;
 * scenes, prefabs, materials, animations, controllers and other serialized assets reference assets by
 * `{fileID: …, guid: <32 hex>, type: …}`, and `.meta` files of importers reference others the same way
 * (a model's remapped materials).
 *
 * Read with a regular expression over `guid:`, not a YAML parser: Unity's YAML uses its own tags
 * (`--- !u!21 &2100000`, `stripped` after the anchor) that strict parsers refuse or need custom schema
 * for, scenes run to hundreds of megabytes, and the reference syntax is fixed by Unity's serializer.
 */
import { LineIndex, byteText, type Declaration, type Reference } from './reference.js';
import { resolveAll, type ResolveContext } from './resolve.js';

/** Unity's text-serialized files that reference assets by GUID. */
export const UNITY_YAML_EXTENSIONS = new Set([
  'unity', 'prefab', 'mat', 'asset', 'controller', 'overridecontroller', 'anim', 'mask', 'physicmaterial', 'physicsmaterial2d',
  'playable', 'signal', 'lighting', 'terrainlayer', 'spriteatlas', 'spriteatlasv2', 'mixer', 'rendertexture', 'flare', 'guiskin',
  'fontsettings', 'cubemap', 'preset', 'brush', 'giparams', 'shadervariants',
]);

const GUID_REF_RE = /\{[^{}\n]*?\bguid:\s*([0-9a-fA-F]{32})[^{}\n]*\}/g;

/** `guid: …` references inside flow mappings, with their fileID. */
function guidRefs(text: string, lines: LineIndex, kind: string): Reference[] {
  const out: Reference[] = [];
  for (const m of text.matchAll(GUID_REF_RE)) {
    const guid = (m[1] as string).toLowerCase();
    const ref: Reference = { target: guid, kind, line: lines.lineOf(m.index ?? 0), form: 'guid' };
    out.push(ref);
  }
  return out;
}

/** A serialized Unity file (must start with `%YAML`): its GUID references. */
export function scanUnityYaml(data: Buffer): Reference[] {
  const text = byteText(data);
  if (!text.startsWith('%YAML')) return [];
  return guidRefs(text, new LineIndex(text), 'unity-guid');
}

/** A `.meta` file: the GUID of the asset (or folder) beside it, and the GUIDs its importer settings reference. */
export function scanUnityMeta(data: Buffer, path: string): { refs: Reference[]; declares: Declaration[] } {
  const text = byteText(data);
  const guid = /^guid:\s*([0-9a-fA-F]{32})\s*$/m.exec(text)?.[1];
  const declares: Declaration[] = guid === undefined ? [] : [{ scheme: 'guid', id: guid.toLowerCase(), path: path.slice(0, -'.meta'.length) }];
  return { refs: guidRefs(text, new LineIndex(text), 'unity-meta-guid'), declares };
}

/** The references of a serialized Unity file at `path`, resolved with `ctx` (which knows the `.meta` GUIDs). */
export function unityReferences(path: string, data: Buffer, ctx?: ResolveContext): Reference[] {
  return resolveAll(path, scanUnityYaml(data), ctx);
}
