import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jsonc from 'jsonc-parser';
import { freeConfigPath, listTemplates, retargetTemplate } from '../../../../../src/host/config/node/configTemplates';
import { checkConfigText } from '../../../../../src/host/config/node/configValidation';
import { REPO_ROOT } from '../../../../repoRoot';

const examples = path.join(REPO_ROOT, 'examples');

test('every shipped template is listed and is a valid config once copied into a workspace', async () => {
  const templates = await listTemplates(examples);
  assert.ok(templates.length >= 1, 'examples/*.selectivity.json exist');
  const ws = mkdtempSync(path.join(os.tmpdir(), 'sl-tpl-'));
  try {
    for (const t of templates) {
      assert.ok(t.label && t.id);
      const target = freeConfigPath(ws, t.id);
      const { text, companions } = retargetTemplate(readFileSync(t.file, 'utf8'), t.file);
      writeFileSync(target, text);
      for (const c of companions) writeFileSync(path.join(ws, path.basename(c)), readFileSync(c));
      const parsed = jsonc.parse(text) as { $schema?: string };
      assert.ok(!parsed.$schema || /^[a-z]+:/i.test(parsed.$schema), `${t.id}: no relative $schema left`);
      const r = checkConfigText(text, target, { savedOnDisk: true });
      assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), [], `${t.id} is valid in its new home`);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a taken name gets a numbered one; a sweep template keeps a base it can find', () => {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'sl-tpl-'));
  try {
    writeFileSync(path.join(ws, 'quick.selectivity.json'), '{}');
    assert.equal(freeConfigPath(ws, 'quick'), path.join(ws, 'quick-2.selectivity.json'));
    const sweep = '{\n  // a sweep\n  "$schema": "../schemas/sweep.schema.json",\n  "kind": "sweep",\n  "base": "./base/quick.selectivity.json",\n  "alphas": [0, -1]\n}';
    const { text, companions } = retargetTemplate(sweep, '/ext/examples/sweep.selectivity.json');
    const parsed = jsonc.parse(text) as { base: string; $schema?: string };
    assert.equal(parsed.base, './quick.selectivity.json');
    assert.equal(parsed.$schema, undefined);
    assert.deepEqual(companions, [path.resolve('/ext/examples/base/quick.selectivity.json')]);
    assert.match(text, /\/\/ a sweep/, 'comments survive');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
