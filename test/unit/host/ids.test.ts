// Every id the code uses for a contribution is in src/host/ids.ts and equals what package.json contributes;
// no other host file spells one out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, SETTING_KEYS, SETTINGS_SECTION, STATE_KEYS, STATUS_ITEM_ID, VIEWS, WEBVIEW_PANELS, settingName } from '../../../src/host/ids';
import { REPO_ROOT } from '../../repoRoot';

const ROOT = REPO_ROOT;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

const sorted = (xs: Iterable<string>) => [...xs].sort();

test('the command table equals the contributed commands', () => {
  assert.deepEqual(sorted(Object.values(COMMANDS)), sorted(contributes.commands.map((c: { command: string }) => c.command)));
});

test('every menu and key binding names a contributed command', () => {
  const used = Object.values(contributes.menus as Record<string, Array<{ command: string }>>).flat().map((m) => m.command);
  for (const id of used) assert.ok((Object.values(COMMANDS) as string[]).includes(id), `menu names ${id}`);
});

test('the views and their container equal the contributed ones', () => {
  assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), [VIEWS.container]);
  assert.deepEqual(sorted(contributes.views[VIEWS.container].map((v: { id: string }) => v.id)), sorted([VIEWS.runs, VIEWS.live]));
  for (const w of contributes.viewsWelcome ?? []) assert.ok(Object.values(VIEWS).includes(w.view), `welcome content for ${w.view}`);
});

test('every webview panel is restored after a reload: an activation event names it', () => {
  for (const id of Object.values(WEBVIEW_PANELS)) assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${id}`), id);
});

test('the settings the host reads are contributed, and every contributed setting is read', () => {
  const contributed = Object.keys(contributes.configuration.properties ?? contributes.configuration[0].properties);
  assert.deepEqual(sorted(contributed), sorted(Object.keys(SETTING_KEYS).map((k) => settingName(k as keyof typeof SETTING_KEYS))));
  for (const name of contributed) assert.ok(name.startsWith(`${SETTINGS_SECTION}.`), name);
});

test('no host file but ids.ts spells out an id of the extension', () => {
  const hostDir = path.join(ROOT, 'src', 'host');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && p !== path.join(hostDir, 'ids.ts')) files.push(p);
    }
  };
  walk(hostDir);
  const ids = [...Object.values(COMMANDS), ...Object.values(VIEWS), ...Object.values(WEBVIEW_PANELS), STATUS_ITEM_ID, ...Object.values(STATE_KEYS)];
  const literals = files.flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return ids.filter((id) => new RegExp(`['"\`]${id.replace(/\./g, '\\.')}['"\`.]`).test(text)).map((id) => `${path.relative(ROOT, f)}: ${id}`);
  });
  assert.deepEqual(literals, []);
  assert.ok(files.length > 20, `${files.length} host files read`);
});
