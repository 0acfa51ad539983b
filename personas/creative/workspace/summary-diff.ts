/** The meaningful differences between two workspace summaries: settings key by key, lists, facts. */
import type { WorkspaceSummary } from './adapter.js';

export interface SettingChange {
  /** The file (and section) the setting lives in: `kritarc [General]`, `2.10/gimprc`, `settings.json`. */
  group: string;
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

export interface ListChange {
  /** `recent files`, `workspaces`, `windows (2.10)`, `extensions` … */
  list: string;
  added: string[];
  removed: string[];
}

export interface FactChange {
  label: string;
  before?: string;
  after?: string;
}

export interface SummaryDiff {
  settings: SettingChange[];
  lists: ListChange[];
  facts: FactChange[];
}

function multiset(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** Items of `a` not in `b`, counting repeats. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = multiset(b);
  const out: string[] = [];
  for (const i of a) {
    const n = left.get(i) ?? 0;
    if (n > 0) left.set(i, n - 1);
    else out.push(i);
  }
  return out;
}

export function diffSummaries(a: WorkspaceSummary, b: WorkspaceSummary): SummaryDiff {
  const settings: SettingChange[] = [];
  const groups = [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])];
  for (const group of groups) {
    const before = a.settings[group] ?? {};
    const after = b.settings[group] ?? {};
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const x = before[key];
      const y = after[key];
      if (x === y) continue;
      if (x === undefined) settings.push({ group, key, change: 'added', after: y as string });
      else if (y === undefined) settings.push({ group, key, change: 'removed', before: x });
      else settings.push({ group, key, change: 'changed', before: x, after: y });
    }
  }
  const lists: ListChange[] = [];
  for (const list of [...new Set([...Object.keys(a.lists), ...Object.keys(b.lists)])]) {
    const x = a.lists[list] ?? [];
    const y = b.lists[list] ?? [];
    const added = minus(y, x);
    const removed = minus(x, y);
    if (added.length > 0 || removed.length > 0) lists.push({ list, added, removed });
  }
  const facts: FactChange[] = [];
  for (const label of [...new Set([...Object.keys(a.facts), ...Object.keys(b.facts)])]) {
    const x = a.facts[label];
    const y = b.facts[label];
    if (x !== y) facts.push({ label, ...(x === undefined ? {} : { before: x }), ...(y === undefined ? {} : { after: y }) });
  }
  return { settings, lists, facts };
}
