// Exports a sweep's runs as TensorBoard logs: <out>/<run name>/events.out.tfevents.*, one per run, so
// `tensorboard --logdir <out>` lists the runs by name with their curves and per-layer SI distributions.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../../protocol/runStore';
import { readSelectivity, readSelectivityIndex } from '../runStore';
import type { CollectedRun } from './collect';
import { TfEventsWriter } from './tfevents';

function safeTag(s: string): string {
  return s.replace(/[^A-Za-z0-9_./-]/g, '_');
}

/** Per-unit SI arrays of every analysed epoch (the run store's selectivity files). */
export function readSelectivityEpochs(runDir: string): Array<{ epoch: number; layers: Array<{ layer: string; si: Float32Array }> }> {
  const index = readSelectivityIndex(runDir);
  const out = [];
  for (const entry of index?.epochs ?? []) {
    const record = readSelectivity(runDir, entry.epoch);
    if (record) out.push({ epoch: record.epoch, layers: record.layers.map((l) => ({ layer: l.layer, si: l.si })) });
  }
  return out;
}

function startedAt(runDir: string): number | undefined {
  try {
    const t = Date.parse(JSON.parse(readFileSync(path.join(runDir, RUN_FILES.meta), 'utf8')).startedAt);
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

export function writeRunTensorBoard(run: CollectedRun, outDir: string): string {
  const started = startedAt(run.runDir) ?? Date.now();
  const w = new TfEventsWriter(started / 1000);
  if (run.config) w.text('config', 0, '```json\n' + JSON.stringify(run.config, null, 2) + '\n```');
  let t = started / 1000;
  for (const m of run.metrics) {
    t += Number.isFinite(m.seconds) ? m.seconds : 0;
    const s = m.epoch;
    w.scalar('test/accuracy', s, m.testAcc, t);
    w.scalar('test/loss', s, m.testLoss, t);
    w.scalar('train/accuracy', s, m.trainAcc, t);
    w.scalar('train/cross_entropy', s, m.trainCE, t);
    w.scalar('train/regularizer', s, m.trainReg, t);
    w.scalar('train/network_si', s, m.trainSI, t);
    w.scalar('selectivity/network_si', s, m.networkSI, t);
    for (const l of m.layers ?? []) w.scalar(`selectivity_layer/${safeTag(l.layer)}`, s, l.meanSI, t);
    w.scalar('schedule/alpha', s, m.alpha, t);
    w.scalar('schedule/lr', s, m.lr, t);
    w.scalar('speed/images_per_sec', s, m.imgPerSec, t);
  }
  for (const e of readSelectivityEpochs(run.runDir)) {
    for (const l of e.layers) w.histogram(`si_distribution/${safeTag(l.layer)}`, e.epoch, l.si);
  }
  return w.write(path.join(outDir, run.name));
}
