#!/usr/bin/env node
/**
 * `npm test`: every tier, in order — lint, typecheck, unit + worker tests (Vitest, Node),
 * browser tests (Playwright, real Chromium with WebGPU on SwiftShader). Prints each runner's
 * own summary, then one closing line counting all tests: "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const OUT = 'test-results/summary';
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const run = (title, cmd, args, env = {}) => {
  console.log(`\n━━ ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

if (run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']) !== 0) failures.push('lint');
if (run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) failures.push('typecheck');

const unitJson = `${OUT}/vitest.json`;
const unitStatus = run('unit and worker tests (Node)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitJson}`]);
if (existsSync(unitJson)) {
  const r = JSON.parse(readFileSync(unitJson, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
if (unitStatus !== 0) failures.push('unit tests');

const e2eJson = `${OUT}/playwright.json`;
const e2eStatus = run('browser tests (Playwright, Chromium)', 'node', ['scripts/e2e.mjs', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
if (existsSync(e2eJson)) {
  const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
}
if (e2eStatus !== 0) failures.push('browser tests');

console.log(`\n${failures.length === 0 ? 'All tiers passed.' : `Failed: ${failures.join(', ')}.`}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length === 0 ? 0 : 1);
