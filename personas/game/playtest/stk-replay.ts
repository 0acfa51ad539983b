/**
 * SuperTuxKart replay files (`.replay`, the ghost-kart recordings the game writes and ships): a text
 * header (`version:`, `stk_version:`, one `kart:` and `kart_color:` per kart, `kart_list_end`,
 * `reverse:`, `difficulty:`, `mode:`, `track:`, `laps:`, `min_time:`, `replay_uid:`), then for each
 * kart a `size: <n>` line and n frame lines. A frame line starts with the time in seconds, the
 * kart's position (x, y, z with y up), its rotation quaternion, speed and steering; format version 4
 * adds suspension lengths, skidding, attachment, nitro, item amount and type, a special value and the
 * distance driven down the track, then usage flags (26 numbers in all).
 *
 * Turned into playtest events: `session_start` (kart, player, track, mode, difficulty, laps),
 * `level_start` of the track, one `position` event per frame (x, y on the ground plane = the game's
 * x and z, z = its height y; speed, steering, distance, nitro and items in `data`), then
 * `level_complete` at the race's finishing time (`min_time`) and `session_end`.
 */
import type { EventProblem, PlaytestEvent } from './events.js';

export const STK_DIFFICULTIES = ['novice', 'intermediate', 'expert', 'supertux'] as const;

export interface StkKart {
  ident: string;
  player: string;
  color: number | null;
}

export interface StkReplay {
  version: number;
  stkVersion: string | null;
  karts: StkKart[];
  reverse: boolean;
  difficulty: string | null;
  mode: string | null;
  track: string;
  laps: number | null;
  /** The finishing time, seconds. */
  minTime: number | null;
  uid: string | null;
  /** Frames read per kart. */
  frames: number[];
  events: PlaytestEvent[];
  problems: EventProblem[];
}

/** Decodes the XML character references STK writes in names (`&#x2606;`). */
function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Parses a replay's text; a file that is not a replay at all gives `{ error }` with the reason. */
export function parseStkReplay(text: string): StkReplay | { error: string } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const versionMatch = /^version:\s*(\d+)\s*$/.exec(lines[0] ?? '');
  if (!versionMatch) return { error: 'not a SuperTuxKart replay: the first line is not "version: <n>"' };
  const header = new Map<string, string>();
  const karts: StkKart[] = [];
  const problems: EventProblem[] = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('size:')) break;
    if (line === 'kart_list_end') continue;
    const m = /^([a-z_]+):\s?(.*)$/.exec(line);
    if (!m) {
      if (line.trim() !== '') problems.push({ line: i + 1, message: `not a header line: ${JSON.stringify(line.slice(0, 60))}` });
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'kart') {
      const space = value.indexOf(' ');
      karts.push({ ident: space < 0 ? value : value.slice(0, space), player: space < 0 ? '' : decodeEntities(value.slice(space + 1).trim()), color: null });
    } else if (key === 'kart_color' && karts.length > 0) {
      const c = Number(value);
      karts[karts.length - 1]!.color = Number.isFinite(c) ? c : null;
    } else header.set(key, value.trim());
  }
  const track = header.get('track');
  if (track === undefined || track === '') return { error: 'not a SuperTuxKart replay: no "track:" line in the header' };
  if (karts.length === 0) return { error: 'not a SuperTuxKart replay: no "kart:" line in the header' };
  const num = (k: string): number | null => {
    const v = header.get(k);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const difficultyNo = num('difficulty');
  const replay: StkReplay = {
    version: Number(versionMatch[1]),
    stkVersion: header.get('stk_version') ?? null,
    karts,
    reverse: num('reverse') === 1,
    difficulty: difficultyNo === null ? null : (STK_DIFFICULTIES[difficultyNo] ?? String(difficultyNo)),
    mode: header.get('mode') ?? null,
    track,
    laps: num('laps'),
    minTime: num('min_time'),
    uid: header.get('replay_uid') ?? null,
    frames: [],
    events: [],
    problems,
  };
  const frames: PlaytestEvent[] = [];
  for (let kart = 0; i < lines.length && kart < karts.length; kart++) {
    const sizeMatch = /^size:\s*(\d+)\s*$/.exec(lines[i]!);
    if (!sizeMatch) {
      problems.push({ line: i + 1, message: `expected "size: <frames>" for kart ${kart + 1}` });
      break;
    }
    const size = Number(sizeMatch[1]);
    i++;
    let read = 0;
    for (let k = 0; k < size && i < lines.length; k++, i++) {
      const f = lines[i]!.trim().split(/\s+/).map(Number);
      if (f.length < 10 || f.slice(0, 10).some((v) => !Number.isFinite(v))) {
        problems.push({ line: i + 1, message: `frame ${k + 1} of kart ${kart + 1} is not a frame line (${f.length} fields)` });
        continue;
      }
      read++;
      const data: Record<string, unknown> = { kart: karts[kart]!.ident, speed: f[8], steer: f[9] };
      if (replay.version >= 4 && f.length >= 26) {
        data.attachment = f[15];
        data.nitro = f[16];
        data.items = f[17];
        data.distance = f[20];
      }
      frames.push({ t: Math.round(f[0]! * 1000), type: 'position', level: track, x: f[1]!, y: f[3]!, z: f[2]!, data });
    }
    if (read < size) problems.push({ line: i, message: `kart ${kart + 1}: ${size} frames announced, ${read} read` });
    replay.frames.push(read);
  }
  frames.sort((a, b) => a.t - b.t);
  const first = frames[0]?.t ?? 0;
  const last = frames[frames.length - 1]?.t ?? 0;
  const k0 = karts[0]!;
  const info: Record<string, unknown> = { source: 'supertuxkart-replay', kart: k0.ident, player: k0.player, track, mode: replay.mode, difficulty: replay.difficulty, laps: replay.laps, reverse: replay.reverse, stk_version: replay.stkVersion, replay_version: replay.version };
  if (karts.length > 1) info.karts = karts.map((k) => k.ident);
  replay.events.push({ t: first, type: 'session_start', data: info });
  replay.events.push({ t: first, type: 'level_start', level: track });
  replay.events.push(...frames);
  if (replay.minTime !== null) replay.events.push({ t: Math.round(replay.minTime * 1000), type: 'level_complete', level: track, data: { time_s: replay.minTime } });
  replay.events.push({ t: Math.max(last, replay.minTime === null ? last : Math.round(replay.minTime * 1000)), type: 'session_end' });
  replay.events.sort((a, b) => a.t - b.t);
  return replay;
}
