/**
 * Effective configurations checked against a JSON Schema (ajv, draft-07 and 2019/2020 keywords that
 * ajv's default build knows: types, ranges, enums, patterns, required keys …). INI values are text, so
 * before checking, a value from an INI file that reads as a number (`60`, `-1.5`) or a boolean
 * (`true`/`True`/`FALSE`) is checked as one. Each violation names the platform, the key and the file
 * and line that set it (for a missing key: the object that should hold it).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { StrataError } from '../../../porcelain/index.js';
import { formatKeyPath, nodeAt, toPlain, type ConfigLeaf, type ConfigObject, type PlainValue } from './types.js';

export interface Violation {
  platform: string;
  key: string;
  path: string[];
  message: string;
  /** The ajv keyword that failed (`type`, `maximum`, `required` …). */
  keyword: string;
  file: string;
  line: number;
}

function typedIni(value: PlainValue): PlainValue {
  if (Array.isArray(value)) return value.map(typedIni);
  if (typeof value !== 'string') return value;
  if (/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return value;
}

/** Compiles a JSON Schema; a schema ajv refuses is INVALID_ARGUMENT naming the file. */
export function compileSchema(file: string, schema: unknown): (data: unknown) => ErrorObject[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  let check;
  try {
    check = ajv.compile(schema as object);
  } catch (err) {
    throw new StrataError('INVALID_ARGUMENT', `${file} is not a usable JSON Schema: ${(err as Error).message}`, { data: { file } });
  }
  return (data) => (check(data) ? [] : [...(check.errors ?? [])]);
}

export function validateConfig(options: { platform: string; root: ConfigObject; iniFiles: ReadonlySet<string>; check: (data: unknown) => ErrorObject[] }): Violation[] {
  const { platform, root, iniFiles } = options;
  const data = toPlain(root, (l: ConfigLeaf) => (iniFiles.has(l.origin.file) ? typedIni(l.value) : l.value));
  return options.check(data).map((e) => {
    const at = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = e.params as Record<string, unknown>;
    const extra = e.keyword === 'required' ? params.missingProperty : e.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
    const path = typeof extra === 'string' ? [...at, extra] : at;
    let node = nodeAt(root, e.keyword === 'additionalProperties' ? path : at);
    for (let n = at.length; node === undefined && n >= 0; n--) node = nodeAt(root, at.slice(0, n));
    const origin = node?.origin ?? root.origin;
    const message =
      e.keyword === 'required'
        ? 'is required but missing'
        : e.keyword === 'additionalProperties'
          ? 'is not allowed here'
          : e.keyword === 'enum' && Array.isArray(params.allowedValues)
            ? `must be one of ${params.allowedValues.map((x) => JSON.stringify(x)).join(', ')}`
            : (e.message ?? e.keyword);
    return { platform, key: path.length === 0 ? '(top)' : formatKeyPath(path), path, message, keyword: e.keyword, file: origin.file, line: origin.line };
  });
}
