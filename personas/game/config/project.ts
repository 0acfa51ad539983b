/**
 * The project file, `strata-platforms.json` (or `.yaml`/`.yml`) at the project root: the platforms
 * and the configuration layers each is made of. Validated with zod; stored in versions like any file.
 */
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { parseJsonLayer } from './parse-json.js';
import { parseYamlLayer } from './parse-yaml.js';
import { nodeAt, toPlain } from './types.js';

/** The names the project file may have, in the order they are looked for. */
export const PROJECT_FILES = ['strata-platforms.json', 'strata-platforms.yaml', 'strata-platforms.yml'] as const;

export const LAYER_FORMATS = ['json', 'yaml', 'toml', 'ini', 'xml'] as const;
export type LayerFormat = (typeof LAYER_FORMATS)[number];

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-", starting with a letter or digit');
const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'a path relative to the project root, without ".."');

export const LayerSchema = z
  .object({
    name,
    /** The file, relative to the project root. */
    file: relPath,
    /** The format, when the extension does not tell (.json, .yaml/.yml, .toml, .ini/.cfg/.ruleset, .xml). */
    format: z.enum(LAYER_FORMATS).optional(),
    /** Layers applied before this one (their own `extends` first). */
    extends: z.union([name, z.array(name)]).optional(),
    /** INI only: take the keys of this one section (at the top level) instead of the whole file. */
    section: z.string().min(1).optional(),
    /** INI with `section`: the key naming parent sections (PrusaSlicer: `inherits`). */
    inherits: z.string().min(1).optional(),
    /** A missing file is skipped instead of an error. */
    optional: z.boolean().optional(),
    /**
     * XML only: keep the elements (below the root) whose `attribute` equals `equals` (or one of its
     * values), plus, with `includeMissing`, those without the attribute. One per-OS rule file then
     * gives each platform its view: `{ "attribute": "os", "equals": "linux", "includeMissing": true }`.
     * Applied to every element list; a tag repeated in the file stays an array in every view.
     */
    where: z
      .object({
        attribute: z.string().min(1),
        equals: z.union([z.string(), z.array(z.string()).min(1)]),
        includeMissing: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const UnrealSettingsSchema = z
  .object({
    /** The engine folder, relative to the project root (default `Engine`). */
    engine: relPath.default('Engine'),
    /** The game project's folder, relative to the project root (default: the root itself). */
    project: z.string().default(''),
    /** The config categories to evaluate (default Engine, Game, Input). */
    categories: z.array(name).min(1).default(['Engine', 'Game', 'Input']),
  })
  .strict();

const GenericPlatformSchema = z.object({ description: z.string().optional(), layers: z.array(name).min(1) }).strict();
const UnrealPlatformSchema = z
  .object({
    description: z.string().optional(),
    unreal: z.object({ platform: name.optional(), categories: z.array(name).min(1).optional() }).strict(),
  })
  .strict();
export const PlatformSchema = z.union([GenericPlatformSchema, UnrealPlatformSchema]);

export const ProjectFileSchema = z
  .object({
    $schema: z.string().optional(),
    layers: z.array(LayerSchema).default([]),
    unreal: UnrealSettingsSchema.optional(),
    /** A JSON Schema (relative to the project root) that `validate` checks every platform against. */
    schema: relPath.optional(),
    platforms: z.record(name, PlatformSchema).refine((p) => Object.keys(p).length > 0, 'declare at least one platform'),
  })
  .strict();

export type LayerDecl = z.infer<typeof LayerSchema>;
export type PlatformDecl = z.infer<typeof PlatformSchema>;
export type ProjectFile = z.infer<typeof ProjectFileSchema>;

/** The project file as loaded: its declarations and where it came from. */
export interface Project extends ProjectFile {
  file: string;
}

/** The format of a layer file: declared, else by its extension. */
export function layerFormat(layer: LayerDecl): LayerFormat {
  if (layer.format !== undefined) return layer.format;
  const ext = layer.file.toLowerCase().replace(/^.*\./, '');
  if (ext === 'json') return 'json';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'toml') return 'toml';
  if (['ini', 'cfg', 'ruleset', 'conf'].includes(ext)) return 'ini';
  if (ext === 'xml') return 'xml';
  throw new StrataError('INVALID_ARGUMENT', `layer "${layer.name}": cannot tell the format of ${layer.file} from its extension`, { hint: `add "format": one of ${LAYER_FORMATS.join(', ')}` });
}

/** Parses and checks a project file's text (CONFIG_PARSE for bad syntax, INVALID_ARGUMENT for a bad declaration). */
export function parseProjectFile(file: string, text: string): Project {
  const tree = file.endsWith('.json') ? parseJsonLayer(file, text) : parseYamlLayer(file, text);
  const parsed = ProjectFileSchema.safeParse(toPlain(tree));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const path = i.path.map(String);
      let node = nodeAt(tree, path);
      for (let n = path.length; node === undefined && n >= 0; n--) node = nodeAt(tree, path.slice(0, n));
      return `${path.length === 0 ? '(top)' : path.join('.')} (line ${node?.origin.line ?? 1}): ${i.message}`;
    });
    throw new StrataError('INVALID_ARGUMENT', `${file} is not a valid platforms file: ${problems.join('; ')}`, { data: { file, problems } });
  }
  const project: Project = { ...parsed.data, file };
  const layers = new Set<string>();
  for (const l of project.layers) {
    if (layers.has(l.name)) throw new StrataError('INVALID_ARGUMENT', `${file}: the layer "${l.name}" is declared twice`);
    layers.add(l.name);
    if (l.inherits !== undefined && l.section === undefined) throw new StrataError('INVALID_ARGUMENT', `${file}: layer "${l.name}" has "inherits" without "section"`);
    if ((l.section !== undefined || l.inherits !== undefined) && layerFormat(l) !== 'ini') throw new StrataError('INVALID_ARGUMENT', `${file}: layer "${l.name}": "section" and "inherits" apply to INI files only`);
    if (l.where !== undefined && layerFormat(l) !== 'xml') throw new StrataError('INVALID_ARGUMENT', `${file}: layer "${l.name}": "where" applies to XML files only`);
    layerFormat(l);
    for (const parent of [l.extends ?? []].flat()) {
      if (!project.layers.some((o) => o.name === parent)) throw new StrataError('INVALID_ARGUMENT', `${file}: layer "${l.name}" extends "${parent}", which is not declared`, { hint: `declared layers: ${project.layers.map((o) => o.name).join(', ')}` });
    }
  }
  for (const [platform, decl] of Object.entries(project.platforms)) {
    if ('layers' in decl) {
      for (const l of decl.layers) {
        if (!layers.has(l)) throw new StrataError('INVALID_ARGUMENT', `${file}: platform "${platform}" uses the layer "${l}", which is not declared`, { hint: `declared layers: ${[...layers].join(', ') || '(none)'}` });
      }
    } else if (project.unreal === undefined) {
      throw new StrataError('INVALID_ARGUMENT', `${file}: platform "${platform}" uses Unreal's hierarchy, but the file has no "unreal" settings`, { hint: 'add "unreal": { "engine": "Engine", "project": "MyGame" }' });
    }
  }
  return project;
}

/**
 * The layers a generic platform applies, in order: each named layer preceded by what it extends
 * (depth first, each layer once). A cycle of `extends` is LAYER_CYCLE naming the chain.
 */
export function expandLayers(project: Project, names: readonly string[]): LayerDecl[] {
  const byName = new Map(project.layers.map((l) => [l.name, l]));
  const out: LayerDecl[] = [];
  const done = new Set<string>();
  const visit = (n: string, chain: string[]): void => {
    if (chain.includes(n)) {
      const cycle = [...chain.slice(chain.indexOf(n)), n];
      throw new StrataError('LAYER_CYCLE', `${project.file}: layers extend each other in a cycle: ${cycle.join(' -> ')}`, { data: { file: project.file, chain: cycle } });
    }
    if (done.has(n)) return;
    const layer = byName.get(n);
    if (layer === undefined) throw new StrataError('INVALID_ARGUMENT', `${project.file}: the layer "${n}" is not declared`);
    for (const parent of [layer.extends ?? []].flat()) visit(parent, [...chain, n]);
    done.add(n);
    out.push(layer);
  };
  for (const n of names) visit(n, []);
  return out;
}

/** The declared platforms' names, sorted. */
export function platformNames(project: Project): string[] {
  return Object.keys(project.platforms).sort();
}

/** A platform's declaration; UNKNOWN_PLATFORM lists the declared ones. */
export function platformDecl(project: Project, platform: string): PlatformDecl {
  const decl = Object.hasOwn(project.platforms, platform) ? project.platforms[platform] : undefined;
  if (decl === undefined) {
    throw new StrataError('UNKNOWN_PLATFORM', `no platform "${platform}" in ${project.file}: the declared platforms are ${platformNames(project).join(', ')}`, {
      data: { platform, declared: platformNames(project) },
    });
  }
  return decl;
}
