/* global console, URL */
// Writes test/fixtures/events/mnist-small-cnn-synthetic.json: a realistic, deterministic event stream of a
// 3-epoch small-cnn MNIST run (what the engine emits), for webview tests before a recorded run exists.
// Typed arrays are stored as {"$typed": "Float32Array", "data": [...]}; test/webview/fixtures.ts revives them.
// Usage: node test/webview/generate-fixture.mjs
import { writeFileSync } from 'node:fs';

let seed = 12345;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const typed = (type, arr) => ({ $typed: type, data: Array.from(arr, (x) => (type === 'Float32Array' ? Math.fround(x) : x)) });

const runId = '2025-01-01T00-00-00-small-cnn-a0.5';
const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const layers = [
  { name: 'conv1', units: 8, kind: 'conv' },
  { name: 'conv2', units: 16, kind: 'conv' },
  { name: 'fc1', units: 32, kind: 'dense' },
];
const C = classNames.length;
const BINS = 12;
const EPOCHS = 3;
const batches = 40;

function layerAt(layer, depth, epoch) {
  const U = layer.units;
  const means = new Float32Array(U * C);
  const si = new Float32Array(U);
  const preferred = new Int32Array(U);
  const edges = new Float32Array(U * (BINS + 1));
  const counts = new Uint32Array(U * C * BINS);
  for (let u = 0; u < U; u++) {
    // Deeper layers and later epochs get more selective (alpha > 0 pushes SI up).
    const sharp = 0.3 + depth * 0.8 + epoch * 0.35 + rand() * 1.2;
    const pref = Math.floor(rand() * C);
    const dead = depth === 0 && u === U - 1;
    for (let c = 0; c < C; c++) {
      const base = 0.2 + rand() * 0.6;
      means[u * C + c] = dead ? 0 : c === pref ? base * (1 + sharp * 2.5) : base;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (means[u * C + c] > means[u * C + best]) best = c;
    let rest = 0;
    for (let c = 0; c < C; c++) if (c !== best) rest += means[u * C + c];
    rest /= C - 1;
    const mx = means[u * C + best];
    si[u] = (mx - rest) / (mx + rest + 1e-7);
    preferred[u] = best;
    const top = Math.max(1e-3, mx * 3);
    for (let b = 0; b <= BINS; b++) edges[u * (BINS + 1) + b] = (top * b) / BINS;
    for (let c = 0; c < C; c++) {
      const mu = means[u * C + c];
      for (let s = 0; s < 100; s++) {
        // Post-ReLU activations: a spike at zero plus an exponential tail with mean mu.
        const x = rand() < 0.3 ? 0 : -Math.log(1 - rand()) * mu;
        const b = Math.min(BINS - 1, Math.floor((x / top) * BINS));
        counts[(u * C + c) * BINS + b]++;
      }
    }
  }
  return { means, si, preferred, edges, counts };
}

const config = {
  name: 'mnist small-cnn alpha 0.5',
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 2000, testLimit: 500 },
  train: { epochs: EPOCHS, batchSize: 50, lr: 0.05, momentum: 0.9, seed: 1 },
  selectivity: { alpha: 0.5, histogramBins: BINS },
  backend: 'wasm',
};
const meta = {
  runId,
  runDir: `/work/runs/${runId}`,
  name: config.name,
  model: 'small-cnn',
  dataset: 'mnist-embedded',
  backend: 'wasm',
  threads: 2,
  params: 27882,
  inputShape: [28, 28, 1],
  classNames,
  layers,
  regularizedLayers: layers.map((l) => l.name),
  trainSize: 2000,
  testSize: 500,
  epochs: EPOCHS,
  startedAt: '2025-01-01T00:00:00.000Z',
};
const events = [
  { v: 1, type: 'hello', backend: 'wasm', threads: 2, engineVersion: '0.1.0', pid: 4242 },
  { v: 1, type: 'runStarted', runId, meta, config },
];
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  for (const batch of [10, 20, 40]) {
    events.push({
      v: 1, type: 'progress', runId, epoch, epochs: EPOCHS, batch, batches,
      imgPerSec: 850 + Math.round(rand() * 100), etaSec: ((EPOCHS - epoch) * batches + batches - batch) * 0.06,
      loss: 2.3 / (epoch + batch / batches),
    });
  }
  const data = layers.map((l, depth) => ({ l, ...layerAt(l, depth, epoch) }));
  const layerSummaries = data.map(({ l, si }) => ({ layer: l.name, units: l.units, meanSI: si.reduce((a, b) => a + b, 0) / si.length }));
  const networkSI = layerSummaries.reduce((a, s) => a + s.meanSI, 0) / layerSummaries.length;
  const trainSI = networkSI * 1.05;
  const trainCE = 1.9 / epoch + 0.15;
  events.push({
    v: 1, type: 'epoch', runId,
    metrics: {
      epoch, alpha: 0.5, lr: 0.05, trainCE, trainReg: -0.5 * trainSI, trainSI,
      trainAcc: 0.62 + 0.1 * epoch, testLoss: trainCE * 1.1, testAcc: 0.6 + 0.1 * epoch, networkSI,
      layers: layerSummaries, imgPerSec: 900, seconds: 2.2,
    },
  });
  events.push({
    v: 1, type: 'selectivity', runId, epoch, networkSI,
    layers: data.map(({ l, si, preferred, means }) => ({
      layer: l.name, units: l.units, classes: C,
      si: typed('Float32Array', si), preferred: typed('Int32Array', preferred), classMeans: typed('Float32Array', means),
    })),
  });
  events.push({
    v: 1, type: 'classResponses', runId, epoch,
    layers: data.map(({ l, edges, counts }) => ({
      layer: l.name, units: l.units, classes: C, bins: BINS,
      edges: typed('Float32Array', edges), counts: typed('Uint32Array', counts),
    })),
  });
  events.push({ v: 1, type: 'checkpoint', runId, epoch, path: `${meta.runDir}/checkpoints/epoch-${epoch}` });
}
const last = events.filter((e) => e.type === 'epoch').at(-1).metrics;
events.push({
  v: 1, type: 'runFinished', runId,
  summary: {
    runId, state: 'completed', epochsDone: EPOCHS, finalTestAcc: last.testAcc, finalNetworkSI: last.networkSI,
    bestTestAcc: last.testAcc, layers: last.layers, seconds: 6.6,
  },
});
writeFileSync(new URL('../fixtures/events/mnist-small-cnn-synthetic.json', import.meta.url), JSON.stringify(events));
console.log(`wrote ${events.length} events`);
