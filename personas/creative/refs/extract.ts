/**
 * Which extractor reads a file, by its name, and one entry point that runs it: the file's references
 * (unresolved: they depend only on its content and name) and what it declares.
 */
import { posix } from 'node:path';
import { scanCss } from './css.js';
import { scanGodotImport, scanGodotProject, scanGodotResource, scanGodotUid, scanGdscript } from './godot.js';
import { scanGlb, scanGltf } from './gltf.js';
import { scanHtml } from './html.js';
import { scanMtl } from './mtl.js';
import { scanObj } from './obj.js';
import type { FileExtraction } from './reference.js';
import { scanSvg } from './svg.js';
import { UNITY_YAML_EXTENSIONS, scanUnityMeta, scanUnityYaml } from './unity.js';

/** The extractor for a file, by name; undefined for files that hold no references (they are only listed). */
export function extractorFor(path: string): string | undefined {
  const name = posix.basename(path).toLowerCase();
  if (name === 'project.godot') return 'godot-project';
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const ext = name.slice(dot + 1);
  switch (ext) {
    case 'obj':
      return 'obj';
    case 'mtl':
      return 'mtl';
    case 'gltf':
      return 'gltf';
    case 'glb':
      return 'glb';
    case 'svg':
      return 'svg';
    case 'html':
    case 'htm':
    case 'xhtml':
      return 'html';
    case 'css':
      return 'css';
    case 'tscn':
    case 'tres':
    case 'escn':
      return 'godot';
    case 'gd':
      return 'gdscript';
    case 'import':
      return 'godot-import';
    case 'uid':
      return 'godot-uid';
    case 'meta':
      return 'unity-meta';
    default:
      return UNITY_YAML_EXTENSIONS.has(ext) ? 'unity-yaml' : undefined;
  }
}

/** Runs the extractor for `path` on its content. Files no extractor reads give no references. */
export function extractFile(path: string, data: Buffer): FileExtraction {
  const format = extractorFor(path);
  switch (format) {
    case 'obj':
      return { format, refs: scanObj(data), declares: [] };
    case 'mtl':
      return { format, refs: scanMtl(data), declares: [] };
    case 'gltf':
      return { format, refs: scanGltf(data), declares: [] };
    case 'glb':
      return { format, refs: scanGlb(data), declares: [] };
    case 'svg':
      return { format, refs: scanSvg(data), declares: [] };
    case 'html':
      return { format, refs: scanHtml(data), declares: [] };
    case 'css':
      return { format, refs: scanCss(data), declares: [] };
    case 'godot':
      return { format, ...scanGodotResource(data, path) };
    case 'godot-project':
      return { format, refs: scanGodotProject(data), declares: [] };
    case 'gdscript':
      return { format, refs: scanGdscript(data), declares: [] };
    case 'godot-import':
      return { format, ...scanGodotImport(data, path) };
    case 'godot-uid':
      return { format, refs: [], declares: scanGodotUid(data, path) };
    case 'unity-meta':
      return { format, ...scanUnityMeta(data, path) };
    case 'unity-yaml':
      return { format, refs: scanUnityYaml(data), declares: [] };
    default:
      return { format: 'none', refs: [], declares: [] };
  }
}
