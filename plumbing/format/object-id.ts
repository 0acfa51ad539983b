import { createHash } from 'node:crypto';
import { encodeHeader, type ObjectKind } from './header.js';

/** A full object id: 64 lowercase hex digits (SHA-256). */
export type ObjectId = string;

const FULL_ID = /^[0-9a-f]{64}$/;
const HEX_PREFIX = /^[0-9a-f]{4,64}$/;

export const ID_HEX_LENGTH = 64;
export const MIN_PREFIX_LENGTH = 4;

export function isObjectId(value: string): value is ObjectId {
  return FULL_ID.test(value);
}

/** True for 4 to 64 lowercase hex digits (a candidate abbreviated id). */
export function isIdPrefix(value: string): boolean {
  return HEX_PREFIX.test(value);
}

/** The id of an object: SHA-256 of `"<kind> <size>\0"` followed by the body. */
export function computeObjectId(kind: ObjectKind, body: Uint8Array): ObjectId {
  return createHash('sha256').update(encodeHeader(kind, body.length)).update(body).digest('hex');
}

/** An incremental id computation for bodies that arrive in pieces (the size must be known first). */
export function createObjectHasher(kind: ObjectKind, size: number): {
  update(data: Uint8Array): void;
  digest(): ObjectId;
} {
  const hash = createHash('sha256').update(encodeHeader(kind, size));
  return {
    update(data) {
      hash.update(data);
    },
    digest() {
      return hash.digest('hex');
    },
  };
}
