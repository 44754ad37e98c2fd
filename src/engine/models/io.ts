// tfjs-format model files (model.json + binary weights) on the local disk, without tfjs-node:
// a file IOHandler, an atomic checkpoint writer and a loader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Custom layers must be registered before any model that uses them is deserialised.
import './batchNorm';
import './channelPad';
import './unitRelu';

const WEIGHTS_FILE = 'weights.bin';

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** Reads (load) or writes (save) `model.json` and its weight files at the given path. */
export function fileIOHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = path.dirname(modelJsonPath);
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await fs.promises.readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      if (json.modelTopology == null) throw new Error('it has no "modelTopology"');
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) {
          const file = path.resolve(dir, p);
          buffers.push(toArrayBuffer(await fs.promises.readFile(file)));
        }
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: weightSpecs.length ? weightSpecs : undefined,
        weightData: buffers.length ? tf.io.concatenateArrayBuffers(buffers) : undefined,
      };
    },
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await fs.promises.mkdir(dir, { recursive: true });
      const weightData = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      await fs.promises.writeFile(path.join(dir, WEIGHTS_FILE), Buffer.from(weightData));
      await fs.promises.writeFile(modelJsonPath, JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}

/**
 * Save `model` as `dir/model.json` + `dir/weights.bin`. Everything is written to a sibling temporary folder
 * first and swapped in by rename, so a crash never leaves a half-written checkpoint at `dir`.
 */
export async function saveModelAtomic(model: tfl.LayersModel, dir: string): Promise<void> {
  const target = path.resolve(dir);
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = `${target}.tmp-${stamp}`;
  const old = `${target}.old-${stamp}`;
  await fs.promises.rm(tmp, { recursive: true, force: true });
  await model.save(fileIOHandler(path.join(tmp, 'model.json')));
  let hadOld = false;
  try {
    await fs.promises.rename(target, old);
    hadOld = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.promises.rename(tmp, target);
  if (hadOld) await fs.promises.rm(old, { recursive: true, force: true });
}

/** Load a tfjs LayersModel from a model.json path (weights resolved relative to it). */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileIOHandler(modelJsonPath));
}
