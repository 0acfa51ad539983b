import { FormatError } from './format-error.js';

/**
 * Canonical JSON: RFC 8785 (JCS) restricted to integers. UTF-8, no insignificant white space, object
 * keys sorted by UTF-16 code units, strings escaped exactly as ECMAScript's JSON.stringify does, only
 * safe integers (no fractions, exponents or -0), no null, no lone surrogates. Equal values therefore
 * always have equal bytes, and so equal object ids.
 */
export type CanonicalValue =
  | string
  | number
  | boolean
  | CanonicalValue[]
  | { [key: string]: CanonicalValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Raised for values or bytes that are not canonical JSON. */
export class CanonicalJsonError extends FormatError {}

function encodeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('string contains a lone surrogate');
  return JSON.stringify(value);
}

function encodeValue(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(encodeString(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new CanonicalJsonError(`number ${String(value)} is not a safe integer`);
      }
      out.push(String(value));
      return;
    case 'object': {
      if (value === null) throw new CanonicalJsonError('null is not allowed');
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          encodeValue(item, out);
        });
        out.push(']');
        return;
      }
      const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
      keys.sort();
      out.push('{');
      keys.forEach((key, i) => {
        if (i > 0) out.push(',');
        out.push(encodeString(key), ':');
        encodeValue((value as Record<string, unknown>)[key], out);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalJsonError(`${typeof value} is not allowed`);
  }
}

/** The canonical text of a value (properties whose value is `undefined` are omitted). */
export function canonicalStringify(value: unknown): string {
  const out: string[] = [];
  encodeValue(value, out);
  return out.join('');
}

/** The canonical UTF-8 bytes of a value. */
export function canonicalEncode(value: unknown): Buffer {
  return Buffer.from(canonicalStringify(value), 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses bytes that must be canonical JSON. Throws CanonicalJsonError when the bytes are not valid
 * UTF-8, not JSON, or not in canonical form (the parsed value re-encoded must give the same bytes).
 */
export function canonicalDecode(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CanonicalJsonError('body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CanonicalJsonError(`body is not JSON (${(err as Error).message})`);
  }
  const again = canonicalStringify(value);
  if (again !== text) throw new CanonicalJsonError('body is JSON but not in canonical form');
  return value;
}
