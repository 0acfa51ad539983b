/**
 * What every benchmark script does around its cases: parse its options or exit 2 with the usage text,
 * remove the temp folder on exit (including Ctrl-C), note a busy machine, and describe the machine in
 * the JSON line.
 */
import { rmSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { RssMethod } from './proc.js';
import type { Report } from './report.js';

/** Runs `parse`; on an error prints its message (the usage text) on stderr and exits 2. */
export function parseOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}

/** Removes the temp folder on exit, including Ctrl-C. */
export function cleanupOnExit(workDir: string, keep: boolean): void {
  const cleanup = (): void => {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
}

/** 1-minute load average above which the run notes that other work shared the machine. */
const BUSY_LOAD = 1;

/** Notes a busy machine: other processes competing for the cores lower every figure. */
export function noteLoad(report: Report, when: string, load: number): void {
  if (load > BUSY_LOAD) {
    const cores = availableParallelism();
    report.note('bench', `1-minute load average ${load.toFixed(2)} ${when} (${cores} CPUs): other processes were running or had just run, figures may be low`);
  }
}

/** The machine and runtime, for the JSON line. */
export function machineContext(rssMethod: RssMethod): Record<string, string | number> {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    rssMethod,
  };
}

/** The fields every benchmark's JSON line ends with: the machine, then how the run went. */
export function runContext(rssMethod: RssMethod, run: { totalSeconds: number; loadStart: number; loadEnd: number; failures: number }): Record<string, string | number> {
  return {
    ...machineContext(rssMethod),
    totalSeconds: Number(run.totalSeconds.toFixed(1)),
    loadStart: Number(run.loadStart.toFixed(2)),
    loadEnd: Number(run.loadEnd.toFixed(2)),
    failures: run.failures,
  };
}

/**
 * Runs the named cases in order, each by its runner; a failing case is noted in the report (and the
 * log) and the others still run. Returns the number of failed cases.
 */
export async function runCases<C extends { report: Report }>(names: readonly string[], runners: Record<string, (ctx: C) => void | Promise<void>>, ctx: C, log: (line: string) => void): Promise<number> {
  let failures = 0;
  for (const name of names) {
    const start = process.hrtime.bigint();
    try {
      const run = runners[name];
      if (!run) throw new Error(`no such case: ${name}`);
      await run(ctx);
    } catch (err) {
      failures++;
      const message = err instanceof Error ? err.message : String(err);
      ctx.report.note(name, `FAILED: ${message}`);
      log(`${name}: FAILED: ${message}`);
    }
    log(`${name}: done in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s`);
  }
  return failures;
}

/** The report's notes as printed after the tables (empty when there are none). */
export function renderNotes(report: Report): string {
  return report.notes.length === 0 ? '' : `notes:\n${report.notes.map((n) => `  [${n.caseName}] ${n.text}`).join('\n')}\n`;
}
