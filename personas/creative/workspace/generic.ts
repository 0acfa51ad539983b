/**
 * An adapter described by a JSON file, for any application the built-in adapters do not know:
 *
 * ```json
 * { "app": "darktable", "process": ["darktable"],
 *   "roots": { "config": "$XDG_CONFIG_HOME/darktable",
 *              "styles": { "linux": "~/.local/share/darktable/styles", "win32": "%LOCALAPPDATA%/darktable/styles" } },
 *   "include": ["config/*.rc", "config/styles/**"], "exclude": ["*.db", "mipmaps*"] }
 * ```
 *
 * A root is a path, or one path per platform (`linux`, `darwin`/`macos`, `win32`/`windows`,
 * `default`), expanded with `~`, `$VAR`, `${VAR}` and `%VAR%`. Globs are over logical paths
 * (`<root>/<path>`); a pattern without `/` matches a name at any depth; a trailing `/` names folders.
 */
import { z } from 'zod';
import { StrataError } from '../../../porcelain/index.js';
import { SummaryBuilder, baseName, readText, type SummaryInput, type WorkspaceAdapter, type WorkspaceRoot, type WorkspaceSummary } from './adapter.js';
import { expandPath, type WorkspaceEnv } from './env.js';
import { parseIni } from './ini.js';
import { parseJsonc } from './jsonc.js';

const PlatformPaths = z.strictObject({
  linux: z.string().min(1).optional(),
  darwin: z.string().min(1).optional(),
  macos: z.string().min(1).optional(),
  win32: z.string().min(1).optional(),
  windows: z.string().min(1).optional(),
  default: z.string().min(1).optional(),
});

export const AdapterFileSchema = z.strictObject({
  app: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, . _ and -, starting with a letter or digit').max(64),
  title: z.string().min(1).optional(),
  process: z.array(z.string().min(1)).default([]),
  roots: z
    .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a root name is one word (letters, digits, . _ -)'), z.union([z.string().min(1), PlatformPaths]))
    .refine((r) => Object.keys(r).length > 0, 'give at least one root'),
  include: z.array(z.string().min(1)).optional(),
  exclude: z.array(z.string().min(1)).default([]),
  maxFileBytes: z.number().int().positive().optional(),
});
export type AdapterFile = z.infer<typeof AdapterFileSchema>;

/** Parses and validates an adapter file's text; INVALID_ARGUMENT naming the file and what is wrong. */
export function parseAdapterFile(text: string, file: string): AdapterFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `adapter file ${file} is not valid JSON: ${(err as Error).message}`, { data: { path: file } });
  }
  const parsed = AdapterFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the file'}: ${i.message}`).join('; ');
    throw new StrataError('INVALID_ARGUMENT', `adapter file ${file} is not a workspace adapter: ${problems}`, {
      hint: 'expected {"app": "name", "process": ["name"], "roots": {"config": "$XDG_CONFIG_HOME/name"}, "include": ["globs"], "exclude": ["globs"]}',
      data: { path: file },
    });
  }
  return parsed.data;
}

function rootPath(value: AdapterFile['roots'][string], env: WorkspaceEnv): string | undefined {
  if (typeof value === 'string') return value;
  if (env.platform === 'darwin') return value.darwin ?? value.macos ?? value.default;
  if (env.platform === 'win32') return value.win32 ?? value.windows ?? value.default;
  return value.linux ?? value.default;
}

const INI_NAME = /(\.(ini|cfg|conf|rc)|rc)$/i;

async function summarize(input: SummaryInput): Promise<WorkspaceSummary> {
  const b = new SummaryBuilder();
  b.fact('files', input.files.length);
  const roots = [...new Set(input.files.map((f) => f.path.split('/')[0] as string))];
  b.list('roots', roots);
  for (const f of input.files) {
    if (f.size > 4 * 1024 * 1024) continue;
    const name = baseName(f.path);
    if (/\.(json|jsonc|code-workspace)$/i.test(name)) {
      const text = await readText(input, f.path, b);
      if (text === undefined) continue;
      try {
        const value = parseJsonc(text);
        b.group(f.path);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) b.setting(f.path, k, JSON.stringify(v));
        else b.setting(f.path, '(value)', JSON.stringify(value));
      } catch (err) {
        b.problem(f.path, err);
      }
    } else if (INI_NAME.test(name)) {
      const text = await readText(input, f.path, b);
      if (text === undefined || text.includes('\0')) continue;
      for (const s of parseIni(text)) for (const e of s.entries) b.setting(`${f.path} [${s.name}]`, e.key, e.value);
    }
  }
  return b.build();
}

/** The adapter an adapter file describes. */
export function genericAdapter(spec: AdapterFile): WorkspaceAdapter {
  return {
    app: spec.app,
    title: spec.title ?? spec.app,
    version: 1,
    processes: spec.process,
    roots(env: WorkspaceEnv): WorkspaceRoot[] {
      const out: WorkspaceRoot[] = [];
      for (const [name, value] of Object.entries(spec.roots)) {
        const path = rootPath(value, env);
        if (path !== undefined) out.push({ name, dir: expandPath(path, env) });
      }
      return out;
    },
    ...(spec.include === undefined ? {} : { include: spec.include }),
    exclude: spec.exclude,
    ...(spec.maxFileBytes === undefined ? {} : { maxFileBytes: spec.maxFileBytes }),
    summarize,
    spec,
  };
}
