// Checkpoints: checkpoints/<name>/ holds the model (tfjs format, model.json + weights.bin), the optimizer's
// momentum buffers (optimizer.bin + optimizer.json) and where training was (trainer.json). A checkpoint is written
// whole into <name>.tmp-* and renamed into place (a folder of that name is moved aside to <name>.old-* first);
// checkpoints/latest names the newest complete one and is written last, so a checkpoint only counts once it is
// whole. A failed write removes its temporary folder; a resume repairs what a killed one left (repairCheckpoints).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RUN_FILES } from '../../protocol/runStore';
import type { BuiltModel } from '../contracts';
import { EngineError } from '../errors';
import { type ModelInput, resolveCheckpointDir, restoreBuiltModel, saveModelAtomic } from '../models';
import { crashPoint, latestCheckpointName, writeFileAtomic } from '../runStore';
import { toWireJson } from '../../protocol/wire';
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

let tmpCounter = 0;

export async function saveCheckpoint(runDir: string, built: BuiltModel, optimizer: tf.Optimizer, state: TrainerState): Promise<string> {
  const root = path.join(runDir, RUN_FILES.checkpointsDir);
  const name = checkpointName(state.epochsDone, state.batchesIntoEpoch);
  const dir = path.join(root, name);
  const tmp = path.join(root, `${name}.tmp-${process.pid}-${tmpCounter++}`);
  try {
    await fs.promises.mkdir(root, { recursive: true });
    await saveModelAtomic(built.model, tmp);
    crashPoint('checkpoint-model');
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
    await fs.promises.writeFile(path.join(tmp, 'optimizer.bin'), bytes);
    await fs.promises.writeFile(path.join(tmp, 'optimizer.json'), toWireJson({ version: 1, weights: manifest }, { indent: 2 }) + '\n');
    await fs.promises.writeFile(path.join(tmp, 'trainer.json'), toWireJson(state, { indent: 2 }) + '\n');
    crashPoint('checkpoint-folder');
    await moveIntoPlace(tmp, dir);
    crashPoint('checkpoint-latest');
    await writeFileAtomic(path.join(root, 'latest'), name + '\n');
  } catch (e) {
    // The previous checkpoint (which `latest` still names) stays as it was; nothing half-written stays behind.
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    await removeTemporaries(root).catch(() => undefined);
    throw new EngineError('RUN_DIR_UNWRITABLE', `Could not write checkpoint ${dir}: ${e instanceof Error ? e.message : String(e)}`, { file: dir });
  }
  await pruneCheckpoints(root, name);
  return dir;
}

/** Renames the finished `tmp` to `dir`; a checkpoint already there is moved aside first and removed after. */
async function moveIntoPlace(tmp: string, dir: string): Promise<void> {
  const old = `${dir}.old-${process.pid}-${tmpCounter++}`;
  let hadOld = false;
  try {
    await fs.promises.rename(dir, old);
    hadOld = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.promises.rename(tmp, dir);
  if (hadOld) await fs.promises.rm(old, { recursive: true, force: true });
}

/** Whether `name` (in checkpoints/) is a temporary folder of a checkpoint write that did not finish. */
function isTemporary(name: string): boolean {
  return /\.tmp-/.test(name);
}

async function removeTemporaries(root: string): Promise<number> {
  let removed = 0;
  for (const n of await fs.promises.readdir(root)) {
    if (!isTemporary(n)) continue;
    await fs.promises.rm(path.join(root, n), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * What an interrupted checkpoint write left in checkpoints/: temporary folders are removed, and a checkpoint that
 * was moved aside and not replaced is put back. For a resume, once the run's lock is held. Returns a sentence
 * per repair.
 */
export async function repairCheckpoints(runDir: string): Promise<string[]> {
  const root = path.join(runDir, RUN_FILES.checkpointsDir);
  if (!fs.existsSync(root)) return [];
  const notes: string[] = [];
  const removed = await removeTemporaries(root);
  if (removed) notes.push(`checkpoints: removed ${removed} unfinished checkpoint folder${removed > 1 ? 's' : ''}.`);
  const names = await fs.promises.readdir(root);
  for (const n of names.filter((x) => /\.old-/.test(x)).sort().reverse()) {
    const dir = path.join(root, n.slice(0, n.indexOf('.old-')));
    if (!fs.existsSync(dir)) {
      await fs.promises.rename(path.join(root, n), dir);
      notes.push(`checkpoints: put ${path.basename(dir)} back in place.`);
    } else await fs.promises.rm(path.join(root, n), { recursive: true, force: true });
  }
  return notes;
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

/** A checkpoint's files read and checked, all but its model (which needs the data set's input shape). */
export interface CheckpointFiles {
  dir: string;
  state: TrainerState;
  manifest: Array<{ name: string; shape: number[]; offset: number }>;
  optimizerBytes: Buffer;
}

/** The newest committed checkpoint's files, or undefined when the run has none. Each problem names its file. */
export async function readLatestCheckpoint(runDir: string): Promise<CheckpointFiles | undefined> {
  const name = latestCheckpointName(runDir);
  if (!name) return undefined;
  const named = path.join(runDir, RUN_FILES.checkpointsDir, name);
  const dir = resolveCheckpointDir(named);
  if (!dir) {
    throw new EngineError('MODEL_INVALID', `Checkpoint ${named} (named by ${path.join(runDir, RUN_FILES.checkpointsDir, 'latest')}) is missing; the run cannot be resumed from it.`, {
      file: named,
    });
  }
  const state = await readCheckpointJson<TrainerState>(dir, 'trainer.json');
  if (!Number.isInteger(state?.epochsDone) || !Number.isInteger(state?.batchesIntoEpoch)) {
    throw unreadable(path.join(dir, 'trainer.json'), 'it does not say where training stood');
  }
  const manifest = await readCheckpointJson<{ weights: CheckpointFiles['manifest'] }>(dir, 'optimizer.json');
  if (!Array.isArray(manifest?.weights)) throw unreadable(path.join(dir, 'optimizer.json'), 'it lists no optimizer weights');
  const binFile = path.join(dir, 'optimizer.bin');
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(binFile);
  } catch (e) {
    throw unreadable(binFile, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : e instanceof Error ? e.message : String(e));
  }
  const needed = manifest.weights.reduce((end, w) => Math.max(end, w.offset + w.shape.reduce((a, b) => a * b, 1) * 4), 0);
  if (bytes.byteLength < needed) throw unreadable(binFile, `it has ${bytes.byteLength} bytes, ${path.basename(dir)}/optimizer.json needs ${needed}`);
  if (!fs.existsSync(path.join(dir, 'model.json'))) throw unreadable(path.join(dir, 'model.json'), 'it is missing');
  return { dir, state, manifest: manifest.weights, optimizerBytes: bytes };
}

/** The model and optimizer of checked checkpoint files. */
export async function restoreCheckpoint(files: CheckpointFiles, input: ModelInput): Promise<LoadedCheckpoint> {
  const built = await restoreBuiltModel(files.dir, input);
  const bytes = files.optimizerBytes;
  const optimizerWeights = files.manifest.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + w.offset, bytes.byteOffset + w.offset + size * 4));
    return { name: w.name, tensor: tf.tensor(data, w.shape, 'float32') };
  });
  return { built, state: files.state, optimizerWeights, dir: files.dir };
}

/** The newest committed checkpoint of a run, or undefined when it has none. */
export async function loadLatestCheckpoint(runDir: string, input: ModelInput): Promise<LoadedCheckpoint | undefined> {
  const files = await readLatestCheckpoint(runDir);
  return files && restoreCheckpoint(files, input);
}

function unreadable(file: string, why: string): EngineError {
  return new EngineError('MODEL_INVALID', `Checkpoint file ${file} is unreadable (${why}); the run cannot be resumed from it.`, { file });
}

async function readCheckpointJson<T>(dir: string, name: string): Promise<T> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    throw unreadable(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : e instanceof Error ? e.message : String(e));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw unreadable(file, 'not valid JSON');
  }
}
