// Contracts between the engine's parts (backend, data, models, selectivity, training), so each can be built
// and tested on its own. Implementations live in the sibling folders.
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { UnitLayerInfo } from '../protocol/events';

/** One split of a data set, kept compact in memory (uint8 pixels, HWC, row-major). */
export interface DataSplit {
  /** n * h * w * c bytes. */
  images: Uint8Array;
  labels: Int32Array;
  n: number;
}

export interface Dataset {
  /** Human name, e.g. "MNIST (embedded)", "CIFAR-10 at /data/cifar". */
  name: string;
  classNames: string[];
  /** [height, width, channels]. */
  shape: [number, number, number];
  train: DataSplit;
  test: DataSplit;
  /** Per-channel mean and std (of pixel values scaled to [0,1]) used to normalise batches. */
  mean: number[];
  std: number[];
}

export interface Batch {
  /** [b, h, w, c] float32, normalised (and augmented for training). */
  x: tf.Tensor4D;
  /** [b] int32 class labels. */
  y: tf.Tensor1D;
  size: number;
}

/** A model ready for selectivity training and analysis. */
export interface BuiltModel {
  /** The underlying tfjs LayersModel (what checkpoints save, tfjs format). */
  model: LayersModel;
  /** Unit layers in network order, each a post-ReLU activation (conv: channels; dense: neurons). */
  unitLayers: UnitLayerInfo[];
  /** Offset of each unit layer's first unit in the concatenated unit axis. */
  unitOffsets: number[];
  /** Total units across unit layers (width of `unitMeans`). */
  totalUnits: number;
  params: number;
  /**
   * One forward pass. `unitMeans` is every unit layer's per-sample activation (conv: mean over H and W)
   * concatenated along axis 1: [b, totalUnits]. Must be called inside a tidy / gradient tape by the caller.
   */
  forward(x: tf.Tensor4D, training: boolean): { logits: tf.Tensor2D; unitMeans: tf.Tensor2D };
  /** Trainable variables (what the optimizer updates). */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}
