// No source, test or schema file is hidden by .gitignore: an ignored file builds here and is missing from every
// clone (a "runs/" pattern once swallowed the host's src/host/runs/ folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../repoRoot';

const FOLDERS = ['src', 'webview', 'test', 'schemas', 'scripts', 'bench', 'examples', 'media', 'bin'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(path.relative(REPO_ROOT, p));
  }
  return out;
}

const inGit = existsSync(path.join(REPO_ROOT, '.git'));

test('git ignores none of the files the project is made of', { skip: !inGit && 'not a git checkout' }, () => {
  const all = FOLDERS.filter((f) => existsSync(path.join(REPO_ROOT, f))).flatMap((f) => files(path.join(REPO_ROOT, f)));
  assert.ok(all.length > 200, `${all.length} files looked at`);
  const r = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: REPO_ROOT, input: all.join('\n'), encoding: 'utf8' });
  // Exit 1: none ignored; 0: some are (listed on stdout).
  assert.equal(r.status, 1, `ignored by .gitignore:\n${r.stdout}${r.stderr}`);
});
