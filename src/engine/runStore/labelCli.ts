// `selectivity-lens label RUN_DIR...`: names and tags runs from a terminal, what Rename Run... and Tag Run... do in
// VS Code, so the runs of a cluster sweep can be marked where they ran. It writes label.json only: a run being
// trained can be labelled, and the training files stay as the engine wrote them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { normalizeTag, runTitle } from '../../protocol/runName';
import type { RunLabel } from '../../protocol/runStore';
import { toWireJson } from '../../protocol/wire';
import { EngineError } from '../errors';
import { writeRunLabel } from './labelFile';
import { readRun } from './readers';
import { readSweepIndex } from './sweepFolder';

export interface LabelChanges {
  /** The new name; '' goes back to the config's name. */
  name?: string;
  tag: string[];
  untag: string[];
  clearTags?: boolean;
  json?: boolean;
}

/** `--tag a,b --tag c`: every value split at commas. */
function collectTags(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',')];
}

export function registerLabelCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('label')
    .description('name or tag run folders (label.json): VS Code, info and compare call a run by its name and tags')
    .argument('<runDirs...>', 'run folders, or sweep folders (each of their started runs)')
    .option('--name <text>', 'the name shown instead of the config\'s ("" goes back to the config\'s name; one run only)')
    .option('--tag <tags>', 'add tags (comma-separated; repeatable)', collectTags, [])
    .option('--untag <tags>', 'remove tags (comma-separated; repeatable)', collectTags, [])
    .option('--clear-tags', 'remove every tag first')
    .option('--json', 'print each run\'s label as a JSON line')
    .action(async (runDirs: string[], opts: LabelChanges) => setExit(await labelCommand(runDirs, opts)));
}

/** Changes (or, without changes, prints) the labels of `runDirs`; every folder is checked before any is written. */
export async function labelCommand(dirs: string[], opts: LabelChanges): Promise<number> {
  const runDirs = dirs.flatMap(runFoldersOf);
  if (runDirs.length === 0) throw new EngineError('CONFIG_INVALID', `${dirs.join(', ')}: no run of this sweep has started yet, so there is no run folder to label.`, { file: dirs[0] });
  if (opts.name !== undefined && runDirs.length !== 1) {
    throw new EngineError('CONFIG_INVALID', `--name names one run, but ${runDirs.length} run folders were given; give one, or use --tag.`, { field: '--name' });
  }
  const runs = runDirs.map((dir) => readRun(dir));
  const changes = opts.name !== undefined || opts.tag.length > 0 || opts.untag.length > 0 || opts.clearTags === true;
  for (const run of runs) {
    for (const w of run.warnings) process.stderr.write(`warning: ${w}\n`);
    const label = changes ? await writeRunLabel(run.dir, changed(run.label, opts), run.meta?.name) : (run.label ?? { tags: [] });
    const line = opts.json ? toWireJson({ runDir: run.dir, ...label }) : `${runTitle({ runId: run.runId, meta: run.meta, label })}  ${run.dir}`;
    process.stdout.write(line + '\n');
  }
  return 0;
}

function changed(current: RunLabel | undefined, opts: LabelChanges): { label?: string; tags: string[] } {
  const untag = new Set(opts.untag.map(normalizeTag));
  const kept = opts.clearTags ? [] : (current?.tags ?? []);
  return {
    label: opts.name ?? current?.label,
    tags: [...kept, ...opts.tag].filter((t) => !untag.has(normalizeTag(t))),
  };
}

/** A sweep folder stands for the folders of its runs that have started (a queued run has none yet to label). */
function runFoldersOf(dir: string): string[] {
  const index = readSweepIndex(dir);
  if (!index) return [dir];
  return index.runs.map((r) => path.join(dir, r.dir)).filter((d) => fs.existsSync(d));
}
