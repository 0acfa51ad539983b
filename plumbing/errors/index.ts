export { StrataError, isStrataError, hasErrno, type StrataErrorOptions } from './strata-error.js';
export { EXIT, ERROR_CODES, exitCodeFor, type ErrorCode } from './codes.js';
