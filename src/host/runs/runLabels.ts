// Rename Run... and Tag Run...: ask for a run's name or tags and store them in its folder's label.json, so every
// view shows them. Training data is never touched, so a run being trained can be renamed too.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeRunLabel } from '../../engine/runStore';
import { parseTags, runDisplayName } from '../../protocol/runName';
import { RUN_FILES, type RunLabel } from '../../protocol/runStore';
import { UserError } from '../node/userMessage';
import type { RunCatalog } from './runCatalog';

async function store(catalog: RunCatalog, runId: string, label: { label?: string; tags: readonly string[] }): Promise<void> {
  const dir = catalog.location(runId)?.dir;
  if (!dir) throw new UserError(`Run "${runDisplayName(catalog.store.get(runId) ?? { runId })}" has no folder on disk yet; rename or tag it once it has started.`);
  const s = catalog.store.get(runId);
  let stored: RunLabel;
  try {
    stored = await writeRunLabel(dir, label, s?.meta?.name);
  } catch (e) {
    throw new UserError(`Could not write ${path.join(dir, RUN_FILES.label)}: ${e instanceof Error ? e.message : String(e)}. The run keeps its name and tags.`);
  }
  catalog.setLabel(runId, stored);
}

/** Input box prefilled with the current name; empty goes back to the config's name. */
export async function renameRun(catalog: RunCatalog, runId: string): Promise<void> {
  const s = catalog.store.get(runId);
  if (!s) throw new UserError(`Run ${runId} is not known (refresh the Runs view).`);
  const configName = s.meta?.name ?? runId;
  const value = await vscode.window.showInputBox({
    title: 'Rename Run',
    value: runDisplayName(s),
    prompt: `The name every view shows for this run (empty: back to its config's name, "${configName}"). Its folder is not renamed.`,
  });
  if (value === undefined) return;
  await store(catalog, runId, { label: value, tags: s.label?.tags ?? [] });
}

/** A pick among the tags any run has (this run's ticked) plus new ones; with no tags anywhere, a comma-separated input box. */
export async function tagRun(catalog: RunCatalog, runId: string): Promise<void> {
  const s = catalog.store.get(runId);
  if (!s) throw new UserError(`Run ${runId} is not known (refresh the Runs view).`);
  const current = s.label?.tags ?? [];
  const known = [...new Set(catalog.store.all().flatMap((r) => r.label?.tags ?? []))].sort((a, b) => a.localeCompare(b));
  const tags = known.length ? await pickTags(known, current, runDisplayName(s)) : await typeTags(current, runDisplayName(s));
  if (tags === undefined) return;
  await store(catalog, runId, { label: s.label?.label, tags });
}

async function typeTags(current: readonly string[], name: string, keep: readonly string[] = []): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Tag Run "${name}"`,
    value: keep.length ? '' : current.join(', '),
    prompt: keep.length ? `New tags, separated by commas (kept: ${keep.join(', ')})` : 'Tags, separated by commas (empty: no tags)',
  });
  return text === undefined ? undefined : [...keep, ...parseTags(text)];
}

async function pickTags(known: readonly string[], current: readonly string[], name: string): Promise<string[] | undefined> {
  const addNew = { label: '$(add) New tags…', alwaysShow: true };
  const items = known.map((tag) => ({ label: tag, picked: current.includes(tag) }));
  const picked = await vscode.window.showQuickPick([...items, addNew], {
    title: `Tag Run "${name}"`,
    placeHolder: 'Tick the tags this run has; "New tags…" adds others',
    canPickMany: true,
  });
  if (!picked) return undefined;
  const chosen = picked.filter((p) => p !== addNew).map((p) => p.label);
  return picked.includes(addNew) ? typeTags(current, name, chosen) : chosen;
}
