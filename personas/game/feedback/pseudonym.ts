/**
 * Player pseudonyms: HMAC-SHA-256 of the identifier under the repository's feedback secret, so the same
 * player has the same pseudonym in every import (their items can be counted and found together) while
 * the identifier itself is never stored and cannot be recovered or guessed without the secret. Pure.
 */
import { createHmac } from 'node:crypto';

/** Bytes of the secret (256 bits). */
export const SECRET_BYTES = 32;

/** `p-` and 20 hex digits (80 bits) of HMAC-SHA-256(secret, "player:" + identifier). */
export function pseudonymise(secret: Buffer, player: string): string {
  return `p-${createHmac('sha256', secret).update(`player:${player}`, 'utf8').digest('hex').slice(0, 20)}`;
}

/** A fingerprint of the secret stored with each import, so a replaced secret is noticed: HMAC(secret, "strata feedback key check"), 16 hex digits. */
export function secretFingerprint(secret: Buffer): string {
  return createHmac('sha256', secret).update('strata feedback key check', 'utf8').digest('hex').slice(0, 16);
}
