/**
 * The errors the model parsers throw: one StrataError per unreadable file, naming it.
 */
import { StrataError } from '../../../porcelain/index.js';

/** The file is truncated or malformed. `where` is a line (`line 12`) or an offset (`byte 84`). */
export function modelCorrupt(file: string, problem: string, where?: string, data?: Record<string, unknown>): StrataError {
  const at = where === undefined ? '' : ` (${where})`;
  return new StrataError('ASSET_CORRUPT', `${file}: ${problem}${at}.`, {
    hint: 'The file is truncated or malformed; re-export it from the program that made it.',
    data: { file, ...(where === undefined ? {} : { at: where }), ...data },
  });
}

/** The file is valid but uses something strata does not read. */
export function modelUnsupported(file: string, problem: string, hint?: string): StrataError {
  return new StrataError('ASSET_UNSUPPORTED', `${file}: ${problem}.`, {
    ...(hint === undefined ? {} : { hint }),
    data: { file },
  });
}
