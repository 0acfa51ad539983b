/**
 * Session analysis, pure and streaming: events go in one at a time (in stored order), the result is
 * built at the end. Memory is constant in the number of events (counters, fixed histograms, the
 * heatmap grid), so any number of sessions can be merged.
 *
 * Levels: a `level_start`, `level_complete`, `level_fail` or `death` event names its level with
 * `level`; without one it belongs to the level of the latest `level_start` of its session.
 */
import { FineHistogram, FPS_EDGES, FRAME_MS_EDGES, type DistributionSummary } from './histogram.js';
import { PLAYTEST_EVENT_TYPES as T, type PlaytestEvent } from './events.js';
import type { HeatmapGrid } from './heatmap.js';

export interface LevelFunnel {
  level: string;
  starts: number;
  completes: number;
  fails: number;
  /** Starts that neither completed nor failed. */
  unfinished: number;
  /** completes / starts, null without starts. */
  completionRate: number | null;
  deaths: number;
  deathsPerAttempt: number | null;
}

export interface AnalysisResult {
  sessions: number;
  events: number;
  /** Sum of the sessions' durations (last event minus first), ms. */
  durationMs: number;
  /** Each session's duration, ms (in the order added). */
  sessionDurationsMs: number[];
  types: Record<string, number>;
  funnel: { levels: LevelFunnel[]; starts: number; completes: number; fails: number; completionRate: number | null };
  deaths: number;
  fps: DistributionSummary;
  frameMs: DistributionSummary;
  positions: number;
}

interface LevelCounts {
  starts: number;
  completes: number;
  fails: number;
  deaths: number;
  order: number;
}

export class PlaytestAnalyzer {
  readonly fps = new FineHistogram(0.1, 1000);
  readonly frameMs = new FineHistogram(0.1, 1000);
  private readonly levels = new Map<string, LevelCounts>();
  private readonly types = new Map<string, number>();
  private events = 0;
  private positions = 0;
  private deaths = 0;
  private readonly durations: number[] = [];
  private currentLevel: string | undefined;
  private first = Infinity;
  private last = -Infinity;
  private inSession = false;

  constructor(private readonly heatmap?: HeatmapGrid) {}

  /** Starts a new session (its level context and time span are its own). */
  beginSession(): void {
    this.endSession();
    this.inSession = true;
    this.currentLevel = undefined;
    this.first = Infinity;
    this.last = -Infinity;
  }

  /** Closes the current session (its duration is recorded). */
  endSession(): void {
    if (!this.inSession) return;
    this.inSession = false;
    this.durations.push(this.first === Infinity ? 0 : this.last - this.first);
  }

  private level(name: string): LevelCounts {
    let l = this.levels.get(name);
    if (l === undefined) this.levels.set(name, (l = { starts: 0, completes: 0, fails: 0, deaths: 0, order: this.levels.size }));
    return l;
  }

  add(e: PlaytestEvent): void {
    if (!this.inSession) this.beginSession();
    this.events++;
    if (e.t < this.first) this.first = e.t;
    if (e.t > this.last) this.last = e.t;
    this.types.set(e.type, (this.types.get(e.type) ?? 0) + 1);
    const levelName = e.level ?? this.currentLevel;
    switch (e.type) {
      case T.levelStart:
        if (e.level !== undefined) this.currentLevel = e.level;
        this.level(levelName ?? '(unnamed)').starts++;
        break;
      case T.levelComplete:
        this.level(levelName ?? '(unnamed)').completes++;
        break;
      case T.levelFail:
        this.level(levelName ?? '(unnamed)').fails++;
        break;
      case T.death:
        this.deaths++;
        this.level(levelName ?? '(no level)').deaths++;
        break;
      default:
        break;
    }
    if (e.fps !== undefined) this.fps.add(e.fps);
    if (e.frame_ms !== undefined) this.frameMs.add(e.frame_ms);
    else if (e.fps !== undefined && e.fps > 0) this.frameMs.add(1000 / e.fps);
    if (e.x !== undefined && e.y !== undefined) {
      this.positions++;
      this.heatmap?.add(e.x, e.y);
    }
  }

  result(): AnalysisResult {
    this.endSession();
    const rate = (a: number, b: number): number | null => (b > 0 ? Number((a / b).toFixed(4)) : null);
    const levels: LevelFunnel[] = [...this.levels.entries()]
      .sort((a, b) => a[1].order - b[1].order)
      .map(([level, c]) => ({
        level,
        starts: c.starts,
        completes: c.completes,
        fails: c.fails,
        unfinished: Math.max(0, c.starts - c.completes - c.fails),
        completionRate: rate(c.completes, c.starts),
        deaths: c.deaths,
        deathsPerAttempt: rate(c.deaths, c.starts),
      }));
    const sum = (k: 'starts' | 'completes' | 'fails'): number => levels.reduce((s, l) => s + l[k], 0);
    const types: Record<string, number> = {};
    for (const [k, v] of [...this.types.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) types[k] = v;
    return {
      sessions: this.durations.length,
      events: this.events,
      durationMs: this.durations.reduce((s, d) => s + d, 0),
      sessionDurationsMs: [...this.durations],
      types,
      funnel: { levels, starts: sum('starts'), completes: sum('completes'), fails: sum('fails'), completionRate: rate(sum('completes'), sum('starts')) },
      deaths: this.deaths,
      fps: this.fps.summary(FPS_EDGES),
      frameMs: this.frameMs.summary(FRAME_MS_EDGES),
      positions: this.positions,
    };
  }
}
