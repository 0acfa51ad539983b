/**
 * Wavefront MTL material libraries: every `newmtl` with its colours and scalars (Kd Ka Ks Ke Tf Ns Ni d Tr
 * illum and vendor PBR extensions such as Pr Pm) and every texture map (`map_*`, `bump`, `disp`, `decal`,
 * `refl`, `norm`), with texture options such as `-s 1 1 1` or `-bm 0.5` skipped to find the file name.
 */
import type { MaterialData } from './model.js';
import { TextScanner, normaliseTextEncoding } from './text-scanner.js';

/** Statements whose argument is a texture file, besides every `map_*`. */
export const TEXTURE_STATEMENTS: ReadonlySet<string> = new Set(['bump', 'disp', 'decal', 'refl', 'norm']);

/** Texture options and how many arguments each takes (`-1` = one to three numbers). */
export const OPTION_ARITY: Readonly<Record<string, number>> = {
  '-blendu': 1,
  '-blendv': 1,
  '-bm': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-o': -1,
  '-s': -1,
  '-t': -1,
  '-texres': 1,
  '-type': 1,
};

export interface MtlResult {
  materials: MaterialData[];
  warnings: string[];
}

export function isTextureStatement(keyword: string): boolean {
  const lower = keyword.toLowerCase();
  return lower.startsWith('map_') || TEXTURE_STATEMENTS.has(lower);
}

/** The file name of a texture statement's arguments, after its options. Undefined when there is none. */
export function textureFileOf(args: string): string | undefined {
  const tokens = args.split(/\s+/).filter((t) => t !== '');
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as string;
    const arity = OPTION_ARITY[token.toLowerCase()];
    if (arity === undefined) break;
    i++;
    if (arity > 0) i += arity;
    else {
      let taken = 0;
      while (taken < 3 && i < tokens.length && Number.isFinite(Number(tokens[i]))) {
        i++;
        taken++;
      }
    }
  }
  if (i >= tokens.length) return undefined;
  return tokens.slice(i).join(' ');
}

function valueOf(args: string): number | number[] | string {
  const tokens = args.split(/\s+/).filter((t) => t !== '');
  const numbers = tokens.map(Number);
  if (tokens.length > 0 && numbers.every((n) => Number.isFinite(n))) {
    return numbers.length === 1 ? (numbers[0] as number) : numbers;
  }
  return args;
}

/** Parses an MTL file. `file` names it in warnings. Never throws on content: odd lines become warnings. */
export function parseMtl(data: Buffer, file: string): MtlResult {
  const scanner = new TextScanner(normaliseTextEncoding(data), { joinContinuations: true });
  const materials: MaterialData[] = [];
  const warnings: string[] = [];
  let current: MaterialData | undefined;
  let orphanLines = 0;
  while (scanner.nextLine()) {
    const keyword = scanner.word();
    if (keyword === '' || keyword.startsWith('#')) continue;
    const args = scanner.rest().replace(/\s+#.*$/, '');
    if (keyword === 'newmtl') {
      const name = args;
      if (name === '') {
        warnings.push(`${file}: line ${scanner.line}: newmtl without a name ignored`);
        current = undefined;
        continue;
      }
      current = { name, properties: {}, textures: [] };
      materials.push(current);
      continue;
    }
    if (current === undefined) {
      orphanLines++;
      continue;
    }
    if (isTextureStatement(keyword)) {
      const texture = textureFileOf(args);
      if (texture === undefined) {
        warnings.push(`${file}: line ${scanner.line}: ${keyword} without a file name ignored`);
        continue;
      }
      current.properties[keyword] = texture;
      if (!current.textures.includes(texture)) current.textures.push(texture);
      continue;
    }
    current.properties[keyword] = valueOf(args);
  }
  if (orphanLines > 0) warnings.push(`${file}: ${orphanLines} statement(s) before the first newmtl ignored`);
  return { materials, warnings };
}
