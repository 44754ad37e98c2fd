// Class selectivity as differentiable tensor ops, for use inside the gradient tape (Leavitt & Morcos 2021):
//   SI_u = (mu_max - mu_rest) / (mu_max + mu_rest + 1e-7)
// with mu_c the class-conditional mean of unit u over the batch, mu_max = max_c mu_c and mu_rest the mean of
// the other classes' means. Classes absent from the batch are left out of both the max and the rest-mean.
import * as tf from '@tensorflow/tfjs-core';
// These ops run inside gradient tapes; tfjs-core's Node bundle registers no gradients, tfjs-layers' does.
import '@tensorflow/tfjs-layers';

export const SI_EPSILON = 1e-7;
/** Pushes absent classes far below any activation so they never win the max. */
const ABSENT_OFFSET = 1e30;

export interface BatchClassMeans {
  /** [C, U] class-conditional mean of every unit (0 for absent classes). */
  classMeans: tf.Tensor2D;
  /** [C] 1 where the class occurs in the batch, else 0. */
  present: tf.Tensor1D;
}

/** Class means of `unitMeans` [b, U] by `labels` [b] (int32) through one one-hot matmul. */
export function batchClassMeans(unitMeans: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): BatchClassMeans {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), numClasses, 1, 0, 'float32') as tf.Tensor2D; // [b, C]
    // An explicit transpose of the small one-hot: wasm's transposeA matmul is ~20x slower.
    const sums = tf.matMul(tf.transpose(oneHot), unitMeans); // [C, U]
    const counts = tf.sum(oneHot, 0) as tf.Tensor1D; // [C]
    const present = tf.cast(tf.greater(counts, 0), 'float32') as tf.Tensor1D;
    const classMeans = tf.div(sums, tf.reshape(tf.maximum(counts, 1), [numClasses, 1])) as tf.Tensor2D;
    return { classMeans, present };
  });
}

/** Selectivity index per unit [U] from class means [C, U] and the present-class mask [C]. */
export function unitSelectivity(classMeans: tf.Tensor2D, present: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const numClasses = classMeans.shape[0];
    const presentCol = tf.reshape(present, [numClasses, 1]);
    const masked = tf.sub(classMeans, tf.mul(tf.sub(1, presentCol), ABSENT_OFFSET));
    const muMax = tf.max(masked, 0); // [U]
    const nPresent = tf.sum(present);
    const presentSum = tf.sum(tf.mul(classMeans, presentCol), 0); // [U]
    const muRest = tf.div(tf.sub(presentSum, muMax), tf.maximum(tf.sub(nPresent, 1), 1));
    const si = tf.div(tf.sub(muMax, muRest), tf.add(tf.add(muMax, muRest), SI_EPSILON));
    // With fewer than two classes present there is no "rest": selectivity is undefined, count it as 0.
    return tf.mul(si, tf.cast(tf.greaterEqual(nPresent, 2), 'float32')) as tf.Tensor1D;
  });
}

/** Network SI: weighted sum of unit SIs; with weights from layerWeightVector it is the mean over layers of mean over units. */
export function networkSelectivity(si: tf.Tensor1D, layerWeights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(si, layerWeights)) as tf.Scalar);
}

/**
 * Weights [U] such that dot(si, w) = mean over selected layers of the mean SI of their units:
 * 1 / (numSelectedLayers * unitsInLayer) for units of selected layers, 0 elsewhere.
 */
export function layerWeightVector(unitLayers: { name: string; units: number }[], selected?: readonly string[] | 'all'): Float32Array {
  const chosen = selected == null || selected === 'all' ? unitLayers : unitLayers.filter((l) => selected.includes(l.name));
  const total = unitLayers.reduce((n, l) => n + l.units, 0);
  const w = new Float32Array(total);
  let offset = 0;
  for (const l of unitLayers) {
    if (chosen.includes(l)) w.fill(1 / (chosen.length * l.units), offset, offset + l.units);
    offset += l.units;
  }
  return w;
}

/** Constant tensors describing which units form which layer, made once per model and reused every step. */
export class SelectivityLayout {
  /** [U] network-SI weights (see layerWeightVector). */
  readonly layerWeights: tf.Tensor1D;
  /** [U, L] averaging matrix: column l holds 1/units_l on layer l's units. */
  readonly layerAverager: tf.Tensor2D;
  readonly numClasses: number;
  readonly layerNames: string[];

  constructor(unitLayers: { name: string; units: number }[], numClasses: number, selected?: readonly string[] | 'all') {
    this.numClasses = numClasses;
    this.layerNames = unitLayers.map((l) => l.name);
    const total = unitLayers.reduce((n, l) => n + l.units, 0);
    const averager = new Float32Array(total * unitLayers.length);
    let offset = 0;
    unitLayers.forEach((l, li) => {
      for (let u = 0; u < l.units; u++) averager[(offset + u) * unitLayers.length + li] = 1 / l.units;
      offset += l.units;
    });
    this.layerWeights = tf.tensor1d(layerWeightVector(unitLayers, selected));
    this.layerAverager = tf.tensor2d(averager, [total, unitLayers.length]);
  }

  dispose(): void {
    this.layerWeights.dispose();
    this.layerAverager.dispose();
  }
}

export interface SelectivityTerms {
  /** Scalar network SI over the selected layers (differentiable). */
  netSI: tf.Scalar;
  /** [L] mean SI of every unit layer (all layers, for reporting). */
  layerMeanSI: tf.Tensor1D;
  /** [U] SI of every unit. */
  si: tf.Tensor1D;
}

/**
 * The regularizer's selectivity terms for one minibatch: loss = CE - alpha * netSI.
 * Call inside the gradient tape; the caller disposes the results (or lets an enclosing tidy do it).
 */
export function selectivityRegularizer(unitMeans: tf.Tensor2D, labels: tf.Tensor1D, layout: SelectivityLayout): SelectivityTerms {
  return tf.tidy(() => {
    const { classMeans, present } = batchClassMeans(unitMeans, labels, layout.numClasses);
    const si = unitSelectivity(classMeans, present);
    const netSI = networkSelectivity(si, layout.layerWeights);
    const layerMeanSI = tf.reshape(tf.matMul(tf.reshape(si, [1, -1]), layout.layerAverager), [-1]) as tf.Tensor1D;
    return { netSI, layerMeanSI, si };
  });
}
