// Runs the compiled node:test files of the given areas (out/test/<area>/**/*.test.js) and prints the
// runner's summary. Node 20's `node --test` does not expand globs, so the files are listed here.
// Usage: node scripts/run-tests.mjs [--concurrency N] <area> [<area> ...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let concurrency = 2;
const areas = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') concurrency = Number(args[++i]);
  else areas.push(args[i]);
}
if (areas.length === 0) {
  console.error('usage: node scripts/run-tests.mjs [--concurrency N] <area> [<area> ...]  (areas: unit, webview, e2e)');
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

const files = areas.flatMap((area) => {
  const inArea = testFiles(join('out', 'test', area));
  if (inArea.length === 0) console.log(`tests: no compiled tests in out/test/${area} (run the build first)`);
  return inArea;
});
if (files.length === 0) process.exit(0);

console.log(`tests: ${areas.join(' + ')}: ${files.length} file(s)`);
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
