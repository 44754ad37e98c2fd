// Checkpoints: checkpoints/<name>/ holds the model (tfjs format, model.json + weights.bin, written atomically by
// saveModelAtomic), the optimizer's momentum buffers (optimizer.bin + optimizer.json) and where training was
// (trainer.json). checkpoints/latest names the newest complete checkpoint; it is written last, so a checkpoint
// only counts once it is whole.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RUN_FILES } from '../../protocol/runStore';
import type { BuiltModel } from '../contracts';
import { EngineError } from '../errors';
import { type ModelInput, resolveCheckpointDir, restoreBuiltModel, saveModelAtomic } from '../models';
import { latestCheckpointName, writeFileAtomic, writeJsonAtomic } from '../runStore';
import type { TrainSums } from './trainStep';

/** Where training stands; enough to continue exactly where it stopped. */
export interface TrainerState {
  version: 1;
  /** Epochs fully done (1-based count). */
  epochsDone: number;
  /** Batches of the next epoch already trained (a stop inside an epoch), 0 at an epoch boundary. */
  batchesIntoEpoch: number;
  /** That partial epoch's sums, to finish its metrics after resuming. */
  partial?: TrainSums & { seconds: number };
  /** Per-unit maxima of the last analysis (histogram edges of the next). */
  unitMax?: number[];
  /** Training seconds so far (all sessions). */
  seconds: number;
  /** Best test accuracy so far. */
  bestTestAcc: number;
}

const KEEP_CHECKPOINTS = 3;

export function checkpointName(epochsDone: number, batchesIntoEpoch: number): string {
  const e = `epoch-${String(epochsDone).padStart(4, '0')}`;
  return batchesIntoEpoch > 0 ? `${e}-b${String(batchesIntoEpoch).padStart(6, '0')}` : e;
}

export async function saveCheckpoint(runDir: string, built: BuiltModel, optimizer: tf.Optimizer, state: TrainerState): Promise<string> {
  const root = path.join(runDir, RUN_FILES.checkpointsDir);
  const name = checkpointName(state.epochsDone, state.batchesIntoEpoch);
  const dir = path.join(root, name);
  try {
    await fs.promises.mkdir(root, { recursive: true });
    await saveModelAtomic(built.model, dir);
    const weights = await optimizer.getWeights();
    const manifest: Array<{ name: string; shape: number[]; offset: number }> = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    for (const w of weights) {
      const data = (await w.tensor.data()) as Float32Array;
      manifest.push({ name: w.name, shape: w.tensor.shape, offset });
      chunks.push(Float32Array.from(data));
      offset += data.length * 4;
    }
    // getWeights() makes a fresh scalar for the iteration count; the momentum buffers are the optimizer's own.
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    const bytes = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      bytes.set(new Uint8Array(c.buffer), at);
      at += c.byteLength;
    }
    await writeFileAtomic(path.join(dir, 'optimizer.bin'), bytes);
    await writeJsonAtomic(path.join(dir, 'optimizer.json'), { version: 1, weights: manifest });
    await writeJsonAtomic(path.join(dir, 'trainer.json'), state);
    await writeFileAtomic(path.join(root, 'latest'), name + '\n');
  } catch (e) {
    throw new EngineError('RUN_DIR_UNWRITABLE', `Could not write checkpoint ${dir}: ${e instanceof Error ? e.message : String(e)}`, { file: dir });
  }
  await pruneCheckpoints(root, name);
  return dir;
}

/** Keep the newest few checkpoints of this run (always the one `latest` names). */
async function pruneCheckpoints(root: string, keep: string): Promise<void> {
  const names = (await fs.promises.readdir(root)).filter((n) => /^epoch-\d{4}(-b\d{6})?$/.test(n)).sort();
  const old = names.filter((n) => n !== keep).slice(0, Math.max(0, names.length - KEEP_CHECKPOINTS));
  for (const n of old) await fs.promises.rm(path.join(root, n), { recursive: true, force: true }).catch(() => undefined);
}

export interface LoadedCheckpoint {
  built: BuiltModel;
  state: TrainerState;
  /** Optimizer slots in getWeights() order (iterations first); the caller hands them to setWeights and disposes. */
  optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>;
  dir: string;
}

/** The newest committed checkpoint of a run, or undefined when it has none. */
export async function loadLatestCheckpoint(runDir: string, input: ModelInput): Promise<LoadedCheckpoint | undefined> {
  const name = latestCheckpointName(runDir);
  if (!name) return undefined;
  const dir = resolveCheckpointDir(path.join(runDir, RUN_FILES.checkpointsDir, name));
  if (!dir) throw new EngineError('MODEL_INVALID', `Checkpoint ${name} of run ${runDir} is missing.`, { file: path.join(runDir, RUN_FILES.checkpointsDir, name) });
  let state: TrainerState;
  let manifest: { weights: Array<{ name: string; shape: number[]; offset: number }> };
  let bytes: Buffer;
  try {
    state = JSON.parse(await fs.promises.readFile(path.join(dir, 'trainer.json'), 'utf8')) as TrainerState;
    manifest = JSON.parse(await fs.promises.readFile(path.join(dir, 'optimizer.json'), 'utf8'));
    bytes = await fs.promises.readFile(path.join(dir, 'optimizer.bin'));
  } catch (e) {
    throw new EngineError('MODEL_INVALID', `Checkpoint ${dir} is incomplete: ${e instanceof Error ? e.message : String(e)}`, { file: dir });
  }
  const built = await restoreBuiltModel(dir, input);
  const optimizerWeights = manifest.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + w.offset, bytes.byteOffset + w.offset + size * 4));
    return { name: w.name, tensor: tf.tensor(data, w.shape, 'float32') };
  });
  return { built, state, optimizerWeights, dir };
}
