/**
 * Categories of feedback from rules a project can edit: each category is a list of patterns matched
 * against the text without regard to case, on word boundaries. A pattern is a word or phrase (`frame
 * rate`), a word ending in `*` for any ending (`crash*`: crash, crashes, crashed), or a regular expression
 * between slashes (`/\bfps\s*drops?\b/`). An item has every category one of whose patterns it matches.
 * Pure.
 */
import { StrataError } from '../../../porcelain/index.js';

/** The shipped categories, in the order reports list them. */
export const DEFAULT_CATEGORY_RULES: Readonly<Record<string, readonly string[]>> = {
  bug: ['bug*', 'buggy', 'glitch*', 'broken', "doesn't work", 'does not work', 'not working', 'stops working', 'stuck', 'softlock*', 'soft lock*', 'clipping', 'clip through', 'fell through', 'falls through', 'fall through', 'error*', 'missing texture*', 'desync*', 'exploit*', 'invisible wall*', 'wrong'],
  crash: ['crash*', 'ctd', 'froze', 'freez*', 'frozen', 'hangs', 'hung', 'segfault*', 'black screen', 'blue screen', 'not responding', 'stops responding', 'closes itself', 'force clos*', 'quit to desktop', 'back to desktop', 'exception'],
  performance: ['lag*', 'laggy', 'fps', 'framerate*', 'frame rate*', 'frame drop*', 'frames drop*', 'stutter*', 'slow*', 'choppy', 'jitter*', 'loading time*', 'load time*', 'long loading', 'performance', 'overheat*', 'battery', 'memory leak*', 'ping', 'latency', 'optimi*'],
  balance: ['overpowered', 'underpowered', 'op', 'nerf*', 'buff*', 'balanc*', 'imbalanc*', 'unbalanc*', 'too hard', 'too easy', 'too strong', 'too weak', 'too difficult', 'difficulty', 'unfair', 'pay to win', 'p2w', 'grind*', 'one-shot*', 'one shot*'],
  ui: ['ui', 'menu*', 'hud', 'interface', 'button*', 'font*', 'text size', 'layout', 'tooltip*', 'minimap', 'mini map', 'icon*', 'hard to read', 'unreadable', 'subtitle*', 'screen reader', 'inventory screen', 'settings screen', 'colorblind', 'colourblind'],
  audio: ['audio', 'sound*', 'music', 'volume', 'sfx', 'voice*', 'soundtrack', 'mute*', 'too loud', 'too quiet', 'crackl*', 'no sound', 'earrape', 'ear rape'],
  controls: ['control*', 'controller*', 'gamepad', 'joystick', 'keyboard', 'mouse', 'keybind*', 'key bind*', 'rebind*', 'remap*', 'input lag', 'input delay', 'dead zone', 'deadzone', 'sensitivity', 'aim assist', 'unresponsive', 'touch controls', 'camera'],
  praise: ['love*', 'loving', 'great', 'awesome', 'amazing', 'fun', 'beautiful', 'excellent', 'fantastic', 'well done', 'good job', 'great job', 'enjoy*', 'addictive', 'masterpiece', 'brilliant', 'perfect', 'gorgeous', 'best game'],
  request: ['please add', 'pls add', 'can you add', 'could you add', 'would be nice', 'would be great', 'would be cool', 'would love', 'wish*', 'should add', 'feature request', "i'd like", 'i would like', 'suggest*', 'option to', 'please make', 'add an option', 'add a way', 'needs a', 'need a'],
};

/** The rules as a project's file gives them. */
export interface CategoryRulesFile {
  /** Category -> patterns; a shipped category given here is replaced, an empty list removes it. */
  categories: Record<string, string[]>;
  /** Use only the file's categories, none of the shipped ones. */
  replace?: boolean;
}

export interface CategoryRule {
  name: string;
  patterns: string[];
  regex: RegExp;
}

const CATEGORY_NAME = /^[a-z0-9][a-z0-9_-]*$/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern as a regular expression source; CONFIG_INVALID for a bad one. */
function patternSource(pattern: string, where: string): string {
  const p = pattern.trim();
  if (p.length >= 2 && p.startsWith('/') && p.endsWith('/')) {
    const src = p.slice(1, -1);
    try {
      new RegExp(src, 'u');
    } catch (err) {
      throw new StrataError('CONFIG_INVALID', `${where}: the pattern ${p} is not a regular expression (${(err as Error).message})`);
    }
    return `(?:${src})`;
  }
  if (p === '' || p === '*') throw new StrataError('CONFIG_INVALID', `${where}: an empty pattern matches everything`);
  const star = p.endsWith('*');
  const body = (star ? p.slice(0, -1) : p).toLowerCase().split(/\s+/).map((w) => escape(w).replace(/'/g, "['\u2019]")).join('\\s+');
  return `(?<![\\p{L}\\p{N}])${body}${star ? '[\\p{L}\\p{N}]*' : ''}(?![\\p{L}\\p{N}])`;
}

/** The rules in force: the shipped ones with a project's file laid over them (`source` names the file in errors). */
export function compileCategoryRules(file?: CategoryRulesFile, source = 'category rules'): CategoryRule[] {
  const merged = new Map<string, readonly string[]>(file?.replace === true ? [] : Object.entries(DEFAULT_CATEGORY_RULES));
  for (const [name, patterns] of Object.entries(file?.categories ?? {})) {
    if (!CATEGORY_NAME.test(name)) throw new StrataError('CONFIG_INVALID', `${source}: "${name}" is not a category name (lowercase letters, digits, _ and -)`);
    if (patterns.length === 0) merged.delete(name);
    else merged.set(name, patterns);
  }
  return [...merged].map(([name, patterns]) => ({
    name,
    patterns: [...patterns],
    regex: new RegExp(patterns.map((p) => patternSource(p, `${source}, category ${name}`)).join('|'), 'iu'),
  }));
}

/** The categories of a text, in the rules' order. */
export function categorise(text: string, rules: readonly CategoryRule[]): string[] {
  const out: string[] = [];
  for (const r of rules) if (r.regex.test(text)) out.push(r.name);
  return out;
}
