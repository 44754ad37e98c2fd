// Before a resumed run writes anything, its folder is brought back to what its newest checkpoint stands for. An
// epoch's metrics line and snapshot are written before its checkpoint, so a crash or a full disk in between
// leaves them ahead of it: they are dropped here (that epoch is trained again, and written again the same), as
// are torn lines and the temporary files of interrupted writes. The history then reads as an uninterrupted run's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES, type SelectivityIndex } from '../../protocol/runStore';
import { isAtomicLeftover, writeFileAtomicSync, writeJsonAtomicSync } from './atomicFile';
import { isProcessAlive } from './processAlive';
import { epochFileName } from './selectivityFile';

/** Repairs `dir` for a resume from a checkpoint after `epochsDone` epochs; returns one sentence per repair. */
export function reconcileRunFolder(dir: string, epochsDone: number): string[] {
  return [...trimMetrics(dir, epochsDone), ...trimSnapshots(dir, epochsDone), ...removeLeftovers(dir)];
}

function trimMetrics(dir: string, epochsDone: number): string[] {
  const file = path.join(dir, RUN_FILES.metrics);
  if (!fs.existsSync(file)) return [];
  let torn = 0;
  const kept = new Map<number, string>();
  const dropped = new Set<number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let epoch: unknown;
    try {
      epoch = (JSON.parse(line) as { epoch?: unknown } | null)?.epoch;
    } catch {
      torn++;
      continue;
    }
    if (typeof epoch !== 'number' || !Number.isInteger(epoch)) continue;
    if (epoch > epochsDone) dropped.add(epoch);
    // The last line of an epoch wins, as readMetrics reads it.
    else kept.set(epoch, line);
  }
  const text = [...kept.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line + '\n').join('');
  if (text === fs.readFileSync(file, 'utf8')) return [];
  writeFileAtomicSync(file, text);
  const what = [
    ...(dropped.size ? [`epoch${dropped.size > 1 ? 's' : ''} ${[...dropped].sort((a, b) => a - b).join(', ')} (not checkpointed; trained again)`] : []),
    ...(torn ? [`${torn} torn line${torn > 1 ? 's' : ''}`] : []),
  ];
  return [`${RUN_FILES.metrics}: kept epochs up to ${epochsDone}, the checkpoint's${what.length ? `; dropped ${what.join(' and ')}` : ''}.`];
}

function trimSnapshots(dir: string, epochsDone: number): string[] {
  const indexFile = path.join(dir, RUN_FILES.selectivityIndex);
  const snapDir = path.join(dir, RUN_FILES.selectivityDir);
  let index: SelectivityIndex | undefined;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as SelectivityIndex;
  } catch {
    index = undefined;
  }
  const dropped = index?.epochs?.filter((e) => e.epoch > epochsDone).map((e) => e.epoch) ?? [];
  if (index && dropped.length) writeJsonAtomicSync(indexFile, { ...index, epochs: index.epochs.filter((e) => e.epoch <= epochsDone) });
  // Snapshot files of those epochs, listed or not (a crash between a snapshot and its index entry).
  let names: string[] = [];
  try {
    names = fs.readdirSync(snapDir);
  } catch {
    // no snapshots yet
  }
  for (const name of names) {
    const m = /^epoch-(\d{4,})\.bin$/.exec(name);
    if (m && Number(m[1]) > epochsDone && name === epochFileName(Number(m[1]))) fs.rmSync(path.join(snapDir, name), { force: true });
  }
  return dropped.length ? [`selectivity: dropped the snapshot${dropped.length > 1 ? 's' : ''} of epoch${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} (not checkpointed).`] : [];
}

/** Temporary files of writes a dead writer never finished (whole-file writes, lock files being created). */
function removeLeftovers(dir: string): string[] {
  let removed = 0;
  for (const folder of [dir, path.join(dir, RUN_FILES.selectivityDir)]) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const lockTmp = /^run\.lock\.new-(\d+)-/.exec(name);
      if (isAtomicLeftover(name) || (lockTmp && !isProcessAlive(Number(lockTmp[1])))) {
        fs.rmSync(path.join(folder, name), { force: true });
        removed++;
      }
    }
  }
  return removed ? [`removed ${removed} temporary file${removed > 1 ? 's' : ''} of interrupted writes.`] : [];
}
