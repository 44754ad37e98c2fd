// Runs the compiled node:test files (out/test/<area>/**/*.test.js) stage by stage and prints the runner's
// summary for each. Node 20's `node --test` does not expand globs, so the files are listed here.
// Every stage runs even when an earlier one failed (so one report shows everything); the exit code
// is non-zero when any stage failed.
// Usage: node scripts/run-tests.mjs <stage> [<stage> ...]   where a stage is areas joined by commas,
//        e.g. `unit,webview e2e` runs unit + webview together, then the end-to-end tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const stages = process.argv.slice(2).map((arg) => arg.split(',').filter(Boolean));
if (stages.length === 0) {
  console.error('usage: node scripts/run-tests.mjs <area>[,<area>...] ...   (areas: unit, webview, e2e)');
  process.exit(2);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const results = [];
for (const areas of stages) {
  const label = areas.join(' + ');
  const files = areas.flatMap((area) => testFiles(join('out', 'test', area)));
  if (files.length === 0) {
    console.log(`\ntests: ${label}: no compiled tests under out/test/ (build first)`);
    results.push(`${label}: none`);
    continue;
  }
  console.log(`\ntests: ${label}: ${files.length} file(s)`);
  // End-to-end tests share one VS Code and one CPU budget: one file at a time.
  const concurrency = areas.includes('e2e') ? 1 : 2;
  const run = spawnSync(
    process.execPath,
    // A per-test ceiling so that one hung test fails instead of stalling CI (tests may set their own).
    ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=900000', '--test-reporter=spec', ...files],
    { stdio: 'inherit' },
  );
  const ok = run.status === 0;
  results.push(`${label}: ${ok ? 'passed' : 'FAILED'}`);
  if (!ok) process.exitCode = 1;
}
console.log(`\ntests summary: ${results.join('; ')}`);
