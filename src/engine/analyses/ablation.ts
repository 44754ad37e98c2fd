// Ablation curves: held-out accuracy and loss while a growing fraction of one layer's units is silenced
// (output 0, or the unit's held-out mean), most selective first, least selective first, or in seeded random
// orders. Per batch the layer's activation (and whatever else the rest of the network reads) is computed once
// by the split's prefix; every (mode, order, fraction) point then runs only the layers after it.
import * as tf from '@tensorflow/tfjs-core';
import type { AblationLayerCurves, AblationMode, AblationPoint, AblationResult } from '../../protocol/analyses';
import { meanCI, UNIT_RANGE } from '../../protocol/sweepStats';
import type { BuiltModel, Dataset } from '../contracts';
import { permutation, seededRandom, testBatches } from '../data';
import { EngineError } from '../errors';
import { splitAt } from './layerSplit';
import { measureUnits, resultHeader, type AnalysisTarget, type LayerUnitStats } from './target';

export const DEFAULT_FRACTIONS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface AblationOptions {
  fractions: number[];
  modes: AblationMode[];
  /** Random orders per layer and mode. */
  permutations: number;
  seed: number;
  batchSize: number;
  /** Called after every batch of every layer. */
  onProgress?: (layer: string, samplesDone: number) => void;
}

/** Unit indices by SI, highest first (ties by index, so the order is reproducible). */
export function descendingBySI(si: Float32Array): number[] {
  const key = (i: number) => (Number.isFinite(si[i]) ? si[i] : -Infinity);
  return Array.from(si, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
}

/** 1 where a unit is kept, 0 where it is silenced: the first round(fraction * n) of `order` go. */
export function keepMask(order: number[], fraction: number): Float32Array {
  const keep = new Float32Array(order.length).fill(1);
  const k = Math.round(fraction * order.length);
  for (let i = 0; i < k; i++) keep[order[i]] = 0;
  return keep;
}

/** Ablation curves of one layer, every mode; `stats` from the same held-out set. */
export async function ablateLayer(
  built: BuiltModel,
  ds: Dataset,
  layer: string,
  stats: LayerUnitStats,
  options: AblationOptions,
): Promise<AblationLayerCurves[]> {
  const units = stats.si.length;
  const numClasses = ds.classNames.length;
  const descending = descendingBySI(stats.si);
  const ascending = [...descending].reverse();
  const seeds = Array.from({ length: options.permutations }, (_, i) => options.seed + i);
  const orders = [descending, ascending, ...seeds.map((s) => Array.from(permutation(units, seededRandom(s))))];
  const { fractions, modes } = options;
  // One keep mask per (order, fraction), stacked: [orders * fractions, units].
  const masks = orders.flatMap((o) => fractions.map((f) => keepMask(o, f)));
  const keep = tf.tensor2d(concat(masks), [masks.length, units]);
  const fills = modes.map((m) => (m === 'zero' ? tf.zeros([units]) : tf.tensor1d(stats.mean)));
  const split = splitAt(built.model, layer);
  const points = modes.length * masks.length;
  // Sums of [cross-entropy, correct] per point, accumulated on the tensor side (one read at the end).
  let sums: tf.Tensor2D = tf.zeros([points, 2]);
  let samples = 0;
  try {
    for (const batch of testBatches(ds, options.batchSize)) {
      const [act, ...rest] = split.prefix(batch.x);
      const onehot = tf.tidy(() => tf.cast(tf.oneHot(batch.y, numClasses), 'float32'));
      const labels = tf.cast(batch.y, 'int32');
      const rows: tf.Tensor[] = [];
      for (const fill of fills) {
        for (let m = 0; m < masks.length; m++) {
          // One tidy per point: only its [ce, correct] pair outlives it (a batch's suffix activations for every
          // point at once would not fit a ResNet in the wasm heap).
          rows.push(
            tf.tidy(() => {
              const k = tf.squeeze(tf.slice(keep, [m, 0], [1, units]), [0]);
              // fill + (act - fill) * keep: kept units unchanged, silenced ones replaced by their fill value.
              const edited = tf.add(fill, tf.mul(tf.sub(act, fill), k));
              const logits = split.suffix(edited, rest);
              const ce = tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0, tf.Reduction.SUM);
              const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
              return tf.stack([ce, correct]);
            }),
          );
        }
      }
      const batchSums = tf.stack(rows) as tf.Tensor2D;
      tf.dispose([onehot, labels, ...rows]);
      const next = tf.add(sums, batchSums) as tf.Tensor2D;
      tf.dispose([sums, batchSums, act, ...rest, batch.x, batch.y]);
      sums = next;
      samples += batch.size;
      options.onProgress?.(layer, samples);
      await new Promise<void>((r) => setImmediate(r));
    }
    const v = await sums.data();
    return modes.map((mode, mi) => {
      const at = (order: number, f: number): AblationPoint => {
        const row = mi * masks.length + order * fractions.length + f;
        return {
          fraction: fractions[f],
          ablated: Math.round(fractions[f] * units),
          loss: v[2 * row] / samples,
          acc: v[2 * row + 1] / samples,
        };
      };
      const curve = (order: number) => fractions.map((_, f) => at(order, f));
      const perPermutation = seeds.map((_, s) => curve(2 + s).map((p) => p.acc));
      const mean = fractions.map((fraction, f) => {
        const accs = seeds.map((_, s) => at(2 + s, f).acc);
        const losses = seeds.map((_, s) => at(2 + s, f).loss);
        return { fraction, ablated: Math.round(fraction * units), acc: avg(accs), loss: avg(losses) };
      });
      const bands = fractions.map((_, f) => meanCI(perPermutation.map((p) => p[f]), 0.95, UNIT_RANGE));
      return {
        layer,
        units,
        mode,
        descending: curve(0),
        ascending: curve(1),
        random: { seeds, mean, accLo: bands.map((b) => b.lo), accHi: bands.map((b) => b.hi), perPermutation },
      };
    });
  } finally {
    tf.dispose([sums, keep, ...fills]);
    split.dispose();
  }
}

function avg(v: number[]): number {
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface RunAblationOptions {
  layers: string[];
  fractions?: number[];
  modes?: AblationMode[];
  permutations?: number;
  seed?: number;
  /** (what is being done, fraction of the whole analysis done). */
  onProgress?: (message: string, done: number) => void;
  /** The result so far, after each layer's curves (a view draws them while the next layer is ablated). */
  onPartial?: (partial: AblationResult) => void;
}

/** Ablation curves of the chosen layers of a run, after one pass that measures baseline, SI and unit means. */
export async function runAblation(target: AnalysisTarget, options: RunAblationOptions): Promise<AblationResult> {
  const started = Date.now();
  const fractions = options.fractions ?? DEFAULT_FRACTIONS;
  for (const f of fractions) {
    if (!(f >= 0 && f <= 1)) throw new EngineError('CONFIG_INVALID', `--fractions must lie in [0, 1] (got ${f}).`, { field: 'fractions' });
  }
  const modes = options.modes ?? ['zero', 'mean'];
  options.onProgress?.('measuring selectivity and unit means', 0);
  const measured = await measureUnits(target);
  const n = target.ds.test.n;
  const layers: AblationLayerCurves[] = [];
  const resultSoFar = (): AblationResult => ({
    ...resultHeader(target, n, started),
    kind: 'ablation',
    fractions,
    baseline: { acc: measured.acc, loss: measured.loss },
    chance: 1 / target.ds.classNames.length,
    layers: [...layers],
  });
  for (const [li, layer] of options.layers.entries()) {
    const curves = await ablateLayer(target.built, target.ds, layer, measured.stats.get(layer)!, {
      fractions,
      modes,
      permutations: options.permutations ?? 5,
      seed: options.seed ?? 0,
      batchSize: target.batchSize,
      onProgress: (_, done) => options.onProgress?.(`ablating ${layer}`, (li + done / n) / options.layers.length),
    });
    layers.push(...curves);
    if (li < options.layers.length - 1) options.onPartial?.(resultSoFar());
  }
  return resultSoFar();
}
