#!/usr/bin/env node
// Runs the whole test suite with vitest, leaves reports/junit.xml and reports/vitest.json, and ends
// with one line "N passed, N failed" (what CI reads). Exits with vitest's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('reports', { recursive: true });
rmSync('reports/vitest.json', { force: true });
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NO_COLOR: '1' },
});
let passed = 0;
let failed = 0;
if (existsSync('reports/vitest.json')) {
  const report = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
