/**
 * The effective configuration of a platform: its layer files read through an injected reader (a
 * folder on disk or a stored version), parsed once per content id, merged in order.
 */
import { StrataError } from '../../../porcelain/index.js';
import { applyIniDocument, applyIniEntries, mergeLayer } from './merge.js';
import { parseIni, resolveIniSection, type IniDocument } from './parse-ini.js';
import { parseJsonLayer } from './parse-json.js';
import { parseTomlLayer } from './parse-toml.js';
import { parseXml, xmlToLayer, type XmlDocument } from './parse-xml.js';
import { parseYamlLayer } from './parse-yaml.js';
import { PROJECT_FILES, expandLayers, layerFormat, parseProjectFile, platformDecl, type LayerDecl, type LayerFormat, type Project } from './project.js';
import { emptyObject, type ConfigObject } from './types.js';
import { unrealHierarchy } from './unreal.js';

/** A file's content and a content id (the stored object id, or any id that changes with the content). */
export interface ConfigFileContent {
  id: string;
  text: string;
}

/** Reads files relative to the project root. */
export interface ConfigReader {
  /** The content id of a file without reading it, or undefined when it does not exist. */
  idOf(path: string): Promise<string | undefined>;
  /** The file, or undefined when it does not exist. */
  read(path: string): Promise<ConfigFileContent | undefined>;
}

type Parsed = { kind: 'tree'; tree: ConfigObject } | { kind: 'ini'; doc: IniDocument } | { kind: 'xml'; doc: XmlDocument };

/** Parsed files by content id and format, shared across evaluations (parsed layers are never changed). */
export class ParseCache {
  private readonly parsed = new Map<string, Parsed>();
  private readonly projects = new Map<string, Project>();

  get size(): number {
    return this.parsed.size;
  }

  parse(file: string, format: LayerFormat, content: ConfigFileContent): Parsed {
    const key = `${format}\0${file}\0${content.id}`;
    let p = this.parsed.get(key);
    if (p === undefined) {
      if (format === 'ini') p = { kind: 'ini', doc: parseIni(file, content.text) };
      else if (format === 'xml') p = { kind: 'xml', doc: parseXml(file, content.text) };
      else p = { kind: 'tree', tree: format === 'json' ? parseJsonLayer(file, content.text) : format === 'yaml' ? parseYamlLayer(file, content.text) : parseTomlLayer(file, content.text) };
      this.parsed.set(key, p);
    }
    return p;
  }

  project(file: string, content: ConfigFileContent): Project {
    const key = `${file}\0${content.id}`;
    let p = this.projects.get(key);
    if (p === undefined) {
      p = parseProjectFile(file, content.text);
      this.projects.set(key, p);
    }
    return p;
  }
}

/** Finds and loads the project file, or undefined when there is none. */
export async function loadProject(reader: ConfigReader, cache: ParseCache): Promise<Project | undefined> {
  for (const file of PROJECT_FILES) {
    const content = await reader.read(file);
    if (content !== undefined) return cache.project(file, content);
  }
  return undefined;
}

/** One file of a platform's stack, in order. */
export interface StackFile {
  file: string;
  /** The layer that names it (generic), or the hierarchy step and category (Unreal: `Engine:Default`). */
  layer: string;
  present: boolean;
  /** Optional files and Unreal's hierarchy skip missing files. */
  optional: boolean;
  format: LayerFormat;
  id?: string;
}

/** The files a platform reads, in order, before reading them. */
export function platformStack(project: Project, platform: string): Array<Omit<StackFile, 'present' | 'id'> & { decl?: LayerDecl; category?: string }> {
  const decl = platformDecl(project, platform);
  if ('layers' in decl) return expandLayers(project, decl.layers).map((l) => ({ file: l.file, layer: l.name, optional: l.optional ?? false, format: layerFormat(l), decl: l }));
  const settings = project.unreal;
  if (settings === undefined) throw new StrataError('INVALID_ARGUMENT', `${project.file}: platform "${platform}" needs the "unreal" settings`);
  const categories = decl.unreal.categories ?? settings.categories;
  return categories.flatMap((category) =>
    unrealHierarchy({ engine: settings.engine, project: settings.project, category, platform: decl.unreal.platform }).map((f) => ({ file: f.file, layer: `${category}:${f.step}`, optional: true, format: 'ini' as const, category })),
  );
}

export interface EffectiveConfig {
  platform: string;
  kind: 'layers' | 'unreal';
  files: StackFile[];
  root: ConfigObject;
}

/** Evaluates one platform: reads, parses (cached by content id) and merges its files in order. */
export async function evaluatePlatform(options: { project: Project; platform: string; reader: ConfigReader; cache: ParseCache }): Promise<EffectiveConfig> {
  const { project, platform, reader, cache } = options;
  const decl = platformDecl(project, platform);
  const stack = platformStack(project, platform);
  const root = emptyObject({ file: project.file, line: 1 });
  const files: StackFile[] = [];
  for (const item of stack) {
    const content = await reader.read(item.file);
    files.push({ file: item.file, layer: item.layer, optional: item.optional, format: item.format, present: content !== undefined, ...(content === undefined ? {} : { id: content.id }) });
    if (content === undefined) {
      if (item.optional) continue;
      throw new StrataError('FILE_NOT_FOUND', `platform "${platform}": the layer "${item.layer}" reads ${item.file}, which does not exist`, {
        hint: `add the file, or mark the layer "optional": true in ${project.file}`,
        data: { platform, layer: item.layer, file: item.file },
      });
    }
    if (item.category !== undefined) {
      const parsed = cache.parse(item.file, 'ini', content);
      if (parsed.kind !== 'ini') continue;
      let cat = root.children.get(item.category);
      if (cat?.kind !== 'object') {
        cat = emptyObject({ file: item.file, line: 1 });
        root.children.set(item.category, cat);
      }
      applyIniDocument(cat, parsed.doc);
      continue;
    }
    const layer = item.decl as LayerDecl;
    const parsed = cache.parse(item.file, layerFormat(layer), content);
    if (parsed.kind === 'tree') mergeLayer(root, parsed.tree);
    else if (parsed.kind === 'xml') mergeLayer(root, xmlToLayer(parsed.doc, layer.where));
    else if (layer.section !== undefined) applyIniEntries(root, item.file, resolveIniSection(parsed.doc, layer.section, layer.inherits));
    else applyIniDocument(root, parsed.doc);
  }
  return { platform, kind: 'layers' in decl ? 'layers' : 'unreal', files, root };
}
