// Throughput benchmark (npm run bench): ResNet-20 (32x32x3) and the small CNN (28x28x1) at batch 128, 10 classes.
//  - training img/s without (alpha = 0) and with the selectivity regularizer (alpha = -1), steps interleaved so
//    that load from other processes hits both alike;
//  - the held-out analysis pass (forward + SelectivityAccumulator) against a plain evaluation forward pass;
//  - where `/usr/bin/python3 -c 'import torch'` works, the same ResNet-20 step in PyTorch on 2 threads
//    (bench/torch_resnet20.py), measured in the same run, as a ratio.
// Inputs are random tensors already on the device: data loading is not part of these numbers.
// Options (environment): BENCH_BACKEND (default auto), BENCH_THREADS (default 2, as PyTorch), BENCH_STEPS (timed steps per mode, default 8),
// BENCH_MODELS (comma list, default resnet20,small-cnn), BENCH_TORCH=0 to skip PyTorch.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, ModelName } from '../src/protocol/config';
import { initBackend } from '../src/engine/backend';
import type { BuiltModel } from '../src/engine/contracts';
import { buildModel } from '../src/engine/models';
import { SelectivityAccumulator, SelectivityLayout } from '../src/engine/selectivity';
import { TrainStep } from '../src/engine/train/trainStep';

const BATCH = 128;
const CLASSES = 10;
const ALPHA = -1;
const TORCH_THREADS = 2;

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

function timed(t: Timing, f: () => void): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  t.wallMs.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  t.cpuMs.push((c.user + c.system) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const imgPerSec = (ms: number[]): number => (BATCH * 1000) / median(ms);
const fresh = (): Timing => ({ wallMs: [], cpuMs: [] });

interface ModelResult {
  model: string;
  params: number;
  units: number;
  train: { plain: Timing; regularized: Timing };
  eval: { plain: Timing; analysis: Timing; finishMs: number };
}

function randomBatch(shape: [number, number, number]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const x = tf.randomNormal([BATCH, ...shape], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32');
  return { x, y };
}

async function benchModel(name: ModelName, shape: [number, number, number], steps: number): Promise<ModelResult> {
  const built: BuiltModel = await buildModel({ name }, { shape, numClasses: CLASSES }, 1);
  const layout = new SelectivityLayout(built.unitLayers, CLASSES);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const step = new TrainStep(built, layout, optimizer, 5e-4);
  const { x, y } = randomBatch(shape);
  const batch = { x, y, size: BATCH };

  const train = { plain: fresh(), regularized: fresh() };
  for (let i = 0; i < 2; i++) {
    step.run(batch, 0);
    step.run(batch, ALPHA);
  }
  for (let i = 0; i < steps; i++) {
    // Alternate the order so neither mode always follows the other.
    const order = i % 2 ? ([ALPHA, 0] as const) : ([0, ALPHA] as const);
    for (const alpha of order) timed(alpha === 0 ? train.plain : train.regularized, () => step.run(batch, alpha));
  }
  await step.read();

  // Evaluation: plain = logits and loss only (what any test pass costs); analysis = the unit-layer probe
  // forward plus the accumulator's class sums, maxima and histograms.
  const ev = { plain: fresh(), analysis: fresh(), finishMs: 0 };
  const acc = new SelectivityAccumulator({ unitLayers: built.unitLayers, numClasses: CLASSES });
  const onehot = tf.oneHot(y, CLASSES).toFloat();
  const plainPass = () =>
    tf.tidy(() => {
      const logits = built.model.apply(x, { training: false }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits);
      return tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'))]);
    });
  const analysisPass = () => {
    const { stats, unitMeans } = tf.tidy(() => {
      const out = built.forward(x, false);
      const loss = tf.losses.softmaxCrossEntropy(onehot, out.logits);
      const stats = tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), y), 'float32'))]);
      return { stats, unitMeans: out.unitMeans };
    });
    acc.add(unitMeans, y);
    return [stats, unitMeans];
  };
  for (let i = 0; i < 2; i++) {
    tf.dispose(plainPass());
    tf.dispose(analysisPass());
  }
  const evalSteps = steps * 2;
  for (let i = 0; i < evalSteps; i++) {
    const first = i % 2 ? 'analysis' : 'plain';
    for (const mode of first === 'plain' ? ['plain', 'analysis'] : ['analysis', 'plain']) {
      if (mode === 'plain') timed(ev.plain, () => tf.dispose(plainPass()));
      else timed(ev.analysis, () => tf.dispose(analysisPass()));
    }
  }
  const f0 = performance.now();
  await acc.finish();
  ev.finishMs = performance.now() - f0;
  acc.dispose();

  step.dispose();
  layout.dispose();
  optimizer.dispose();
  tf.dispose([x, y, onehot]);
  const result = { model: name, params: built.params, units: built.totalUnits, train, eval: ev };
  built.dispose();
  return result;
}

interface TorchResult {
  imgPerSec: number;
  cpuImgPerSec: number;
  threads: number;
  torch: string;
}

function torchResNet20(steps: number, threads: number): TorchResult | string {
  const python = '/usr/bin/python3';
  if (process.env.BENCH_TORCH === '0') return 'skipped (BENCH_TORCH=0)';
  if (!fs.existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch not importable';
  const script = path.resolve(__dirname, '..', '..', 'bench', 'torch_resnet20.py');
  const run = spawnSync(python, [script, String(threads), String(Math.max(3, steps))], { encoding: 'utf8' });
  if (run.status !== 0) return `torch_resnet20.py failed: ${run.stderr.trim().split('\n').pop()}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchResult;
}

function averageTorch(a: TorchResult | string, b: TorchResult | string): TorchResult | string {
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return b;
  return { ...a, imgPerSec: (a.imgPerSec + b.imgPerSec) / 2, cpuImgPerSec: (a.cpuImgPerSec + b.cpuImgPerSec) / 2 };
}

const pct = (base: number, other: number): string => `${(((other - base) / base) * 100).toFixed(1)}%`;
const fmt = (n: number): string => n.toFixed(1).padStart(7);

async function main(): Promise<void> {
  // Benchmarks are heavy: be polite to whatever else runs on the machine (PyTorch inherits this).
  try {
    os.setPriority(10);
  } catch {
    // not permitted: run at normal priority
  }
  const steps = Number(process.env.BENCH_STEPS ?? 8);
  const models = (process.env.BENCH_MODELS ?? 'resnet20,small-cnn').split(',') as ModelName[];
  const threads = Number(process.env.BENCH_THREADS ?? TORCH_THREADS);
  const backend = await initBackend((process.env.BENCH_BACKEND ?? 'auto') as BackendName, { threads });
  const load = os.loadavg()[0];
  console.log(`Selectivity Lens bench: backend ${backend.name} (${backend.threads} thread(s)), batch ${BATCH}, ${steps} timed steps per mode`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load.toFixed(1)} at start; Node ${process.version}`);
  console.log('img/s from wall-clock medians; "cpu img/s" from this process\'s CPU time (less sensitive to other load).\n');

  const results: ModelResult[] = [];
  let torch: TorchResult | string | undefined;
  let torch1: TorchResult | string | undefined;
  for (const name of models) {
    const shape: [number, number, number] = name === 'small-cnn' ? [28, 28, 1] : [32, 32, 3];
    // PyTorch runs right before and right after our measurement and the two are averaged, so that a change in
    // the machine's load during the run hits both sides alike.
    const torchBefore = name === 'resnet20' ? torchResNet20(steps, TORCH_THREADS) : undefined;
    const r = await benchModel(name, shape, steps);
    results.push(r);
    if (name === 'resnet20') {
      const torchAfter = torchResNet20(steps, TORCH_THREADS);
      torch = averageTorch(torchBefore!, torchAfter);
      // One thread too: per-core efficiency without thread-pool effects.
      if (typeof torch !== 'string') torch1 = torchResNet20(steps, 1);
    }
    const tp = imgPerSec(r.train.plain.wallMs);
    const tr = imgPerSec(r.train.regularized.wallMs);
    const ep = imgPerSec(r.eval.plain.wallMs);
    const ea = imgPerSec(r.eval.analysis.wallMs);
    console.log(`${name} (${r.params} parameters, ${r.units} units)`);
    console.log(`  train, alpha = 0        ${fmt(tp)} img/s   cpu ${fmt(imgPerSec(r.train.plain.cpuMs))} img/s`);
    console.log(`  train, alpha = ${ALPHA}       ${fmt(tr)} img/s   cpu ${fmt(imgPerSec(r.train.regularized.cpuMs))} img/s   regularizer overhead ${pct(tr, tp)} (cpu ${pct(imgPerSec(r.train.regularized.cpuMs), imgPerSec(r.train.plain.cpuMs))})`);
    console.log(`  eval, plain forward     ${fmt(ep)} img/s   cpu ${fmt(imgPerSec(r.eval.plain.cpuMs))} img/s`);
    console.log(`  eval, SI analysis       ${fmt(ea)} img/s   cpu ${fmt(imgPerSec(r.eval.analysis.cpuMs))} img/s   analysis overhead ${pct(ea, ep)} (cpu ${pct(imgPerSec(r.eval.analysis.cpuMs), imgPerSec(r.eval.plain.cpuMs))}), finish() ${r.eval.finishMs.toFixed(0)} ms once per analysis`);
    if (name === 'resnet20' && torch !== undefined) {
      if (typeof torch === 'string') console.log(`  PyTorch: ${torch}`);
      else {
        console.log(`  PyTorch ${torch.torch}, ${torch.threads} threads (mean of runs before and after): ${fmt(torch.imgPerSec)} img/s   cpu ${fmt(torch.cpuImgPerSec)} img/s`);
        console.log(`  ratio tfjs/PyTorch(${torch.threads} threads): ${(tp / torch.imgPerSec).toFixed(2)}x wall-clock (target >= 0.3x)`);
        if (torch1 && typeof torch1 !== 'string') {
          console.log(`  PyTorch, 1 thread:      ${fmt(torch1.imgPerSec)} img/s   cpu ${fmt(torch1.cpuImgPerSec)} img/s`);
          console.log(`  ratio tfjs/PyTorch(1 thread) per CPU-second: ${(imgPerSec(r.train.plain.cpuMs) / torch1.cpuImgPerSec).toFixed(2)}x`);
        }
      }
    }
    console.log('');
  }
  const out = path.resolve(__dirname, 'bench-results.json');
  fs.writeFileSync(out, JSON.stringify({ backend, load, batch: BATCH, steps, results, torch, torch1, at: new Date().toISOString() }, null, 1));
  console.log(`raw timings: ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
