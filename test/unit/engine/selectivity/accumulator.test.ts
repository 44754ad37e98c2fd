// The held-out analysis accumulator agrees with a direct computation over all activations at once.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SelectivityAccumulator, chooseHistogramLayers, computeUnitSI } from '../../../../src/engine/selectivity';
import type { UnitLayerInfo } from '../../../../src/protocol/events';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Adds one batch of plain arrays (the accumulator reads its tensors asynchronously, outside any tidy). */
async function addBatch(acc: SelectivityAccumulator, x: number[] | Float32Array, y: number[] | Int32Array, units = U): Promise<void> {
  const means = tf.tensor2d(x, [y.length, units]);
  const labels = tf.tensor1d(y, 'int32');
  await acc.add(means, labels);
  tf.dispose([means, labels]);
}

const layers: UnitLayerInfo[] = [
  { name: 'conv1', units: 2, kind: 'conv' },
  { name: 'fc1', units: 3, kind: 'dense' },
];
const U = 5;
const C = 4;

/** Batches of post-ReLU-like activations (some exact zeros); class 3 never occurs. */
function makeData(seed: number, batches: number, b: number): { x: Float32Array; y: Int32Array }[] {
  const r = rng(seed);
  return Array.from({ length: batches }, () => ({
    x: Float32Array.from({ length: b * U }, (_, i) => Math.max(0, r() * 2 - 0.3 + (i % U) * 0.1)),
    y: Int32Array.from({ length: b }, () => Math.floor(r() * 3)),
  }));
}

before(async () => {
  await tf.setBackend('cpu');
});

describe('SelectivityAccumulator', () => {
  it('equals the direct computation and its histograms count every sample', async () => {
    const data = makeData(5, 4, 8);
    const bins = 6;
    const acc = new SelectivityAccumulator({ unitLayers: layers, numClasses: C, bins, selectedLayers: ['fc1'] });
    for (const { x, y } of data) await addBatch(acc, x, y);
    const before = tf.memory().numTensors;
    const result = await acc.finish();
    assert.equal(tf.memory().numTensors, before, 'finish reads back without leaking tensors');

    // Direct: class sums and counts over all samples.
    const sums = new Float64Array(U * C);
    const counts = new Float64Array(C);
    const max = new Float32Array(U);
    for (const { x, y } of data) {
      y.forEach((c, i) => {
        counts[c]++;
        for (let u = 0; u < U; u++) {
          sums[u * C + c] += x[i * U + u];
          max[u] = Math.max(max[u], x[i * U + u]);
        }
      });
    }
    assert.equal(result.samples, 32);
    assert.deepEqual(Array.from(result.classCounts), Array.from(counts));
    assert.deepEqual(Array.from(result.unitMax), Array.from(max));
    const present = Array.from(counts, (n) => n > 0);
    let offset = 0;
    const layerMeans: number[] = [];
    for (const [li, layer] of layers.entries()) {
      const got = result.layers[li];
      assert.equal(got.layer, layer.name);
      const expectedMeans = new Float32Array(layer.units * C);
      for (let u = 0; u < layer.units; u++) {
        for (let c = 0; c < C; c++) expectedMeans[u * C + c] = counts[c] ? sums[(offset + u) * C + c] / counts[c] : 0;
      }
      got.classMeans.forEach((v, i) => assert.ok(Math.abs(v - expectedMeans[i]) < 1e-5, `class mean ${i}`));
      const expectedSI = computeUnitSI(expectedMeans, layer.units, C, present);
      got.si.forEach((v, i) => assert.ok(Math.abs(v - expectedSI[i]) < 1e-5, `SI ${i}`));
      layerMeans.push(expectedSI.reduce((a, v) => a + v, 0) / layer.units);
      got.preferred.forEach((p) => assert.ok(p >= 0 && p < 3, 'preferred class is a present class'));

      const h = result.histograms[li];
      assert.equal(h.bins, bins);
      assert.equal(h.counts.length, layer.units * C * bins);
      assert.equal(h.edges.length, layer.units * (bins + 1));
      for (let u = 0; u < layer.units; u++) {
        let unitTotal = 0;
        for (let c = 0; c < C; c++) {
          let classTotal = 0;
          for (let k = 0; k < bins; k++) classTotal += h.counts[(u * C + c) * bins + k];
          assert.equal(classTotal, counts[c], `unit ${u} class ${c} counts`);
          unitTotal += classTotal;
        }
        assert.equal(unitTotal, 32, 'every sample lands in one bin per unit');
        assert.equal(h.edges[u * (bins + 1)], 0);
        // Recount with the reported edges: same bins (values past the last edge overflow into the last bin).
        const upper = h.edges[u * (bins + 1) + bins];
        const recount = new Uint32Array(C * bins);
        for (const { x, y } of data) {
          y.forEach((c, i) => {
            const k = Math.min(bins - 1, Math.floor(Math.fround(x[i * U + offset + u] * Math.fround(bins / upper))));
            recount[c * bins + k]++;
          });
        }
        assert.deepEqual(Array.from(h.counts.slice(u * C * bins, (u + 1) * C * bins)), Array.from(recount), `unit ${u} bins`);
      }
      offset += layer.units;
    }
    assert.ok(Math.abs(result.networkSI - layerMeans[1]) < 1e-6, 'network SI over the selected layer only');
    acc.dispose();
  });

  it('counts histograms only for the histogram layers, with the same counts, and still measures every layer', async () => {
    const data = makeData(9, 3, 8);
    const run = async (histogramLayers?: string[]) => {
      const acc = new SelectivityAccumulator({ unitLayers: layers, numClasses: C, bins: 5, histogramLayers });
      for (const { x, y } of data) await addBatch(acc, x, y);
      return acc.finish();
    };
    const full = await run();
    const some = await run(['fc1']);
    assert.deepEqual(some.histograms.map((h) => h.layer), ['fc1']);
    assert.deepEqual(Array.from(some.histograms[0].counts), Array.from(full.histograms[1].counts));
    assert.deepEqual(Array.from(some.histograms[0].edges), Array.from(full.histograms[1].edges));
    assert.deepEqual(some.layers.map((l) => l.layer), ['conv1', 'fc1']);
    assert.deepEqual(Array.from(some.layers[0].classMeans), Array.from(full.layers[0].classMeans));
    assert.equal(some.networkSI, full.networkSI);
    const none = await run([]);
    assert.equal(none.histograms.length, 0);
  });

  it('"auto" histogram layers: the deepest ones within the budget, the deepest always', () => {
    const deep: UnitLayerInfo[] = [
      { name: 'a', units: 100, kind: 'conv' },
      { name: 'b', units: 200, kind: 'conv' },
      { name: 'c', units: 300, kind: 'conv' },
      { name: 'd', units: 50, kind: 'dense' },
    ];
    // Costs at 10 classes x 10 bins: a 10k, b 20k, c 30k, d 5k.
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, 'auto', 100_000), ['a', 'b', 'c', 'd']);
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, 'auto', 55_000), ['b', 'c', 'd']);
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, 'auto', 40_000), ['c', 'd']);
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, 'auto', 1), ['d']);
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, 'all', 1), ['a', 'b', 'c', 'd']);
    assert.deepEqual(chooseHistogramLayers(deep, 10, 10, ['d', 'a']), ['a', 'd'], 'model order');
    // The default budget keeps every layer of ResNet-20 on CIFAR-100 but not ResNet-50 on Tiny ImageNet.
    const resnet20 = Array.from({ length: 19 }, (_, i) => ({ name: `l${i}`, units: i < 7 ? 16 : i < 13 ? 32 : 64, kind: 'conv' as const }));
    assert.equal(chooseHistogramLayers(resnet20, 100, 20, 'auto').length, 19);
  });

  it('takes bin edges from a previous analysis with 10% headroom and splits wide unit axes into chunks', async () => {
    const previous = Float32Array.from([1, 2, 0, 4, 5]);
    const acc = new SelectivityAccumulator({ unitLayers: layers, numClasses: C, bins: 4, upperEdges: previous });
    // Two units per chunk: 3 chunks over 5 units.
    const chunked = new SelectivityAccumulator({ unitLayers: layers, numClasses: C, bins: 4, upperEdges: previous, maxOneHotElements: 6 * 2 * 4 });
    const data = makeData(9, 2, 6);
    for (const { x, y } of data) {
      await addBatch(acc, x, y);
      await addBatch(chunked, x, y);
    }
    const result = await acc.finish();
    const chunkedResult = await chunked.finish();
    chunked.dispose();
    assert.deepEqual(chunkedResult.histograms, result.histograms);
    assert.deepEqual(chunkedResult.layers, result.layers);
    const uppers = [result.histograms[0].edges[4], result.histograms[0].edges[9], result.histograms[1].edges[4]];
    assert.ok(Math.abs(uppers[0] - 1.1) < 1e-6 && Math.abs(uppers[1] - 2.2) < 1e-6, `uppers ${uppers}`);
    assert.ok(uppers[2] > 0, 'a dead unit still gets a (tiny) positive range');
    acc.dispose();
    assert.throws(() => new SelectivityAccumulator({ unitLayers: layers, numClasses: C, upperEdges: new Float32Array(3) }));
  });

  it('puts values past the upper edge into the last bin and values below 0 into the first', async () => {
    const one: UnitLayerInfo[] = [{ name: 'u', units: 1, kind: 'dense' }];
    // Upper edge 1.1 x 1 over 4 bins: 0.3 -> bin 1, 5 and 1e12 -> bin 3 (overflow), -2 -> bin 0.
    const acc = new SelectivityAccumulator({ unitLayers: one, numClasses: 2, bins: 4, upperEdges: Float32Array.from([1]) });
    await addBatch(acc, [0.3, 5, 1e12, -2], [0, 1, 1, 0], 1);
    const result = await acc.finish();
    acc.dispose();
    assert.deepEqual(Array.from(result.histograms[0].counts), [1, 1, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(Array.from(result.unitMax), [1e12].map(Math.fround));
    assert.equal(result.samples, 4);
  });
});
