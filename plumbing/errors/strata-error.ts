/**
 * The one error class of strata. `code` is permanent (scripts match on it); `message` is one sentence
 * that says what happened and what to do; `hint` is an optional second line for the user.
 */
export interface StrataErrorOptions {
  hint?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class StrataError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data;
  }

  /** A plain object for `--json` output. */
  toJSON(): { code: string; message: string; hint?: string; data?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.data === undefined ? {} : { data: this.data }),
    };
  }
}

export function isStrataError(err: unknown): err is StrataError {
  return err instanceof StrataError;
}

/** True when `err` is a Node system error with the given code (ENOENT, EEXIST, …). */
export function hasErrno(err: unknown, ...codes: string[]): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    typeof (err as { code: unknown }).code === 'string' &&
    codes.includes((err as { code: string }).code)
  );
}
