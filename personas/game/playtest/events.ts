/**
 * Playtest events: what a game sends (one JSON object per line) and the normalised form strata
 * stores. An event has a time and a type; its payload may carry a level, a position, health, fps or
 * frame time, and anything else the game wants to keep (kept under `data`).
 *
 * Accepted input (one JSON object):
 * - `type` (or `event`): a non-empty string;
 * - `t` (milliseconds, a number; any origin, usually since the game started) or `time` /
 *   `timestamp` (milliseconds since the epoch, or an ISO 8601 string);
 * - payload fields at the top level or inside `payload` / `data`: `level` (string or number),
 *   `pos` / `position` (`[x, y, z?]` or `{x, y, z?}`) or `x`, `y`, `z`; `health`; `fps`; `frame_ms`
 *   (or `frameMs`, `frame_time`). Positions are x, y on the ground plane and z up.
 */

/** The event types the analysis gives a meaning to; any other type is counted and kept. */
export const PLAYTEST_EVENT_TYPES = {
  sessionStart: 'session_start',
  sessionEnd: 'session_end',
  levelStart: 'level_start',
  levelComplete: 'level_complete',
  levelFail: 'level_fail',
  death: 'death',
  position: 'position',
  frame: 'frame',
} as const;

/** A normalised event, as stored (one JSON line each, keys in this order). */
export interface PlaytestEvent {
  /** Milliseconds (the game's clock; only differences matter). */
  t: number;
  type: string;
  level?: string;
  x?: number;
  y?: number;
  z?: number;
  health?: number;
  fps?: number;
  frame_ms?: number;
  /** Every other payload field. */
  data?: Record<string, unknown>;
}

/** Why one input line was not kept. */
export interface EventProblem {
  line: number;
  message: string;
}

export type ParsedEvent = { ok: true; event: PlaytestEvent } | { ok: false; message: string };

const KNOWN = new Set(['type', 'event', 't', 'time', 'timestamp', 'payload', 'data', 'level', 'pos', 'position', 'x', 'y', 'z', 'health', 'fps', 'frame_ms', 'frameMs', 'frame_time']);

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function timeOf(raw: Record<string, unknown>): number | string {
  if (raw.t !== undefined) return finite(raw.t) ? raw.t : '"t" must be a finite number of milliseconds';
  const v = raw.time ?? raw.timestamp;
  if (v === undefined) return 'no time: give "t" (milliseconds) or "time" (epoch milliseconds or ISO 8601)';
  if (finite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (Number.isFinite(ms) && /^\d{4}-\d{2}-\d{2}/.test(v)) return ms;
  }
  return `"time" is neither epoch milliseconds nor an ISO 8601 date: ${JSON.stringify(v).slice(0, 60)}`;
}

function positionOf(src: Record<string, unknown>): { x: number; y: number; z?: number } | string | undefined {
  const p = src.pos ?? src.position;
  if (p !== undefined) {
    if (Array.isArray(p) && (p.length === 2 || p.length === 3) && p.every(finite)) {
      const [x, y, z] = p as number[];
      return z === undefined ? { x: x as number, y: y as number } : { x: x as number, y: y as number, z };
    }
    if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
      const o = p as Record<string, unknown>;
      if (finite(o.x) && finite(o.y) && (o.z === undefined || finite(o.z))) return finite(o.z) ? { x: o.x, y: o.y, z: o.z } : { x: o.x, y: o.y };
    }
    return 'position must be [x, y, z?] or {x, y, z?} with finite numbers';
  }
  if (src.x === undefined && src.y === undefined) return undefined;
  if (finite(src.x) && finite(src.y) && (src.z === undefined || finite(src.z))) return finite(src.z) ? { x: src.x, y: src.y, z: src.z } : { x: src.x, y: src.y };
  return 'x and y must both be finite numbers (z optional)';
}

/** Normalises one decoded JSON value into an event, or says why it cannot be one. */
export function normalizeEvent(raw: unknown): ParsedEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: 'not a JSON object' };
  const obj = raw as Record<string, unknown>;
  const type = obj.type ?? obj.event;
  if (typeof type !== 'string' || type.trim() === '') return { ok: false, message: 'no "type" (a non-empty string)' };
  const t = timeOf(obj);
  if (typeof t === 'string') return { ok: false, message: t };
  const nested = [obj.payload, obj.data].filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
  const src: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!((k === 'payload' || k === 'data') && nested.includes(v as Record<string, unknown>))) src[k] = v;
  for (const n of nested) for (const [k, v] of Object.entries(n)) if (!(k in src)) src[k] = v;
  const event: PlaytestEvent = { t, type: type.trim() };
  if (src.level !== undefined && src.level !== null) {
    if (typeof src.level !== 'string' && !finite(src.level)) return { ok: false, message: '"level" must be a string or a number' };
    event.level = String(src.level);
  }
  const pos = positionOf(src);
  if (typeof pos === 'string') return { ok: false, message: pos };
  if (pos !== undefined) {
    event.x = pos.x;
    event.y = pos.y;
    if (pos.z !== undefined) event.z = pos.z;
  }
  for (const [key, names] of [['health', ['health']], ['fps', ['fps']], ['frame_ms', ['frame_ms', 'frameMs', 'frame_time']]] as const) {
    const name = names.find((n) => src[n] !== undefined);
    if (name === undefined) continue;
    const v = src[name];
    if (!finite(v) || (key !== 'health' && v < 0)) return { ok: false, message: `"${name}" must be a ${key === 'health' ? '' : 'non-negative '}finite number` };
    event[key] = v;
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) if (!KNOWN.has(k)) rest[k] = v;
  if (Object.keys(rest).length > 0) event.data = rest;
  return { ok: true, event };
}

/** Parses one line of JSONL into an event (empty lines are not events: the reader skips them). */
export function parseEventLine(line: string): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { ok: false, message: `not JSON (${(err as Error).message})` };
  }
  return normalizeEvent(raw);
}

/** The stored line of an event (no newline): JSON with the keys in a fixed order. */
export function serializeEvent(e: PlaytestEvent): string {
  const out: PlaytestEvent = { t: e.t, type: e.type };
  if (e.level !== undefined) out.level = e.level;
  if (e.x !== undefined) out.x = e.x;
  if (e.y !== undefined) out.y = e.y;
  if (e.z !== undefined) out.z = e.z;
  if (e.health !== undefined) out.health = e.health;
  if (e.fps !== undefined) out.fps = e.fps;
  if (e.frame_ms !== undefined) out.frame_ms = e.frame_ms;
  if (e.data !== undefined) out.data = e.data;
  return JSON.stringify(out);
}

/** Reads a stored line back (stored lines were written by serializeEvent, so they are trusted). */
export function readStoredEvent(line: string): PlaytestEvent {
  return JSON.parse(line) as PlaytestEvent;
}
