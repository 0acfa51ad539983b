/** Measurements, targets and the two outputs: a readable table and one JSON line. */

/** A goal a measurement must meet: `value >= limit` (atLeast), `value < limit` (below) or `value <= limit` (atMost). */
export interface Target {
  comparison: 'atLeast' | 'below' | 'atMost';
  limit: number;
}

export type Status = 'PASS' | 'MISS' | 'n/a' | '';

/** One number the benchmark produced. */
export interface Measurement {
  /** Case name, as `--only` takes it. */
  caseName: string;
  /** Stable key, unique within the case, used in the JSON line. */
  key: string;
  /** What was measured, for the table. */
  label: string;
  /** Null when the measurement could not be taken (the tool is missing, the run failed). */
  value: number | null;
  unit: string;
  /** Decimal places in the table. */
  digits: number;
  target?: Target;
}

/** Free-text remarks printed under the table (and included in the JSON line). */
export interface Note {
  caseName: string;
  text: string;
}

/** Collects measurements and notes while the cases run. */
export class Report {
  readonly measurements: Measurement[] = [];
  readonly notes: Note[] = [];

  add(measurement: Measurement): void {
    this.measurements.push(measurement);
  }

  note(caseName: string, text: string): void {
    this.notes.push({ caseName, text });
  }

  /** A shorthand that adds measurements to one case. */
  forCase(caseName: string): MeasurementAdder {
    return (key, label, value, unit, digits, target) =>
      this.add({ caseName, key, label, value, unit, digits, ...(target ? { target } : {}) });
  }
}

/** Adds one measurement (see Measurement for the fields). */
export type MeasurementAdder = (key: string, label: string, value: number | null, unit: string, digits: number, target?: Target) => void;

export function statusOf(m: Measurement): Status {
  if (!m.target) return '';
  if (m.value === null || !Number.isFinite(m.value)) return 'n/a';
  const { comparison, limit } = m.target;
  const ok = comparison === 'atLeast' ? m.value >= limit : comparison === 'atMost' ? m.value <= limit : m.value < limit;
  return ok ? 'PASS' : 'MISS';
}

const COMPARISON_SIGNS: Record<Target['comparison'], string> = { atLeast: '>=', below: '<', atMost: '<=' };

export function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  return `${COMPARISON_SIGNS[target.comparison]} ${target.limit} ${unit}`.trim();
}

function formatValue(m: Measurement): string {
  if (m.value === null) return 'n/a';
  return `${m.value.toFixed(m.digits)} ${m.unit}`.trim();
}

/** The measurements as an aligned text table, followed by the notes. */
export function renderTable(report: Report): string {
  const header = ['case', 'measurement', 'value', 'target', 'status'];
  const rows = report.measurements.map((m) => [m.caseName, m.label, formatValue(m), formatTarget(m.target, m.unit), statusOf(m)]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => (r[col] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, col) => (col === 2 ? cell.padStart(widths[col] as number) : cell.padEnd(widths[col] as number)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (report.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of report.notes) out.push(`  [${n.caseName}] ${n.text}`);
  }
  return `${out.join('\n')}\n`;
}

/** Everything the run measured, as one JSON object (printed as the last line of output); `bench` names the script. */
export function renderJson(report: Report, context: Record<string, string | number | boolean>, bench = 'plumbing'): string {
  const metrics: Record<string, number | null> = {};
  const targets: Record<string, { comparison: Target['comparison']; limit: number; status: Status }> = {};
  for (const m of report.measurements) {
    const key = `${m.caseName}.${m.key}`;
    metrics[key] = m.value === null ? null : Number(m.value.toPrecision(6));
    if (m.target) targets[key] = { ...m.target, status: statusOf(m) };
  }
  const missed = Object.values(targets).filter((t) => t.status === 'MISS').length;
  return JSON.stringify({ bench, ...context, missed, metrics, targets, notes: report.notes });
}

/** Columns padded to their widest cell; `right` marks right-aligned (numeric) columns. */
export function renderGrid(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => (r[col] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, col) => (right[col] ? cell.padStart(widths[col] as number) : cell.padEnd(widths[col] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
