import { StrataError } from '../../../porcelain/index.js';

/** CONFIG_PARSE naming the file and line: `config/pc.json:12: expected "," or "}"`. */
export function configParseError(file: string, line: number, problem: string): StrataError {
  return new StrataError('CONFIG_PARSE', `${file}:${line}: ${problem}`, { data: { file, line } });
}
