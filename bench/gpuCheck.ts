// GPU check (scripts/gpu-check.sh runs it, bundled, on a GPU machine without network or Node): on the WebGPU
// adapter Dawn finds, prints
//  - the adapter (vendor, device, driver description, software or not) and the device limits that bound batches;
//  - parity: one ResNet-20 step with the regularizer, loss and every gradient against the cpu backend;
//  - ResNet-20 (32x32x3, 10 classes) and ResNet-18 (64x64x3, 200 classes) training img/s at batch 128, with
//    alpha = 0 and with the regularizer, and the held-out analysis pass;
//  - where PyTorch with CUDA is importable, the same ResNet-20 step in PyTorch on the same GPU, as a ratio.
// Options (environment): GPU_CHECK_STEPS (timed steps per mode, default 6), GPU_CHECK_MODELS (default
// resnet20,resnet18), GPU_CHECK_PYTHON (default python3). Writes gpu-check.json beside itself, or to GPU_CHECK_OUT.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelName } from '../src/protocol/config';
import { initBackend } from '../src/engine/backend';
import { findAdapter } from '../src/engine/backend/webgpu';
import { resnet20RegularizedStep } from '../test/unit/engine/backend/resnet20Step';
import { ALPHA, BATCH, benchModel, imgPerSec } from './trainThroughput';

const MODELS: Record<string, { shape: [number, number, number]; classes: number }> = {
  resnet20: { shape: [32, 32, 3], classes: 10 },
  resnet18: { shape: [64, 64, 3], classes: 200 },
  resnet50: { shape: [64, 64, 3], classes: 200 },
  'small-cnn': { shape: [28, 28, 1], classes: 10 },
};

/** One ResNet-20 step with the regularizer on 8x8 images: loss and gradients as flat arrays. */
async function resnet20Step(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(resnet20RegularizedStep);
  const data = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
  tf.dispose(outs);
  return data;
}

/** The largest difference of any gradient relative to its own scale. */
function worstRelativeDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
    for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - b[i][j]) / scale);
  });
  return worst;
}

function torchCuda(steps: number): { imgPerSec: number; torch: string } | string {
  const python = process.env.GPU_CHECK_PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 3)'], { encoding: 'utf8' });
  if (probe.error) return `${python} not found`;
  if (probe.status === 3) return 'PyTorch sees no CUDA GPU';
  if (probe.status !== 0) return 'PyTorch not importable';
  const script = [path.join(__dirname, 'torch_resnet20.py'), path.resolve(__dirname, '..', '..', 'bench', 'torch_resnet20.py')].find((p) => fs.existsSync(p));
  if (!script) return 'torch_resnet20.py not found';
  const run = spawnSync(python, [script, '1', String(Math.max(10, steps * 3)), 'cuda'], { encoding: 'utf8' });
  if (run.status !== 0) return `torch_resnet20.py failed: ${run.stderr.trim().split('\n').pop()}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { imgPerSec: number; torch: string };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const steps = Number(process.env.GPU_CHECK_STEPS ?? 6);
  const models = (process.env.GPU_CHECK_MODELS ?? 'resnet20,resnet18').split(',') as ModelName[];
  const found = await findAdapter();
  if (!found) throw new Error('Dawn found no WebGPU adapter');
  const { info, adapter } = found;
  console.log(`adapter: ${info.description || info.device} | vendor ${info.vendor} | architecture ${info.architecture || '-'} | device ${info.device || '-'}${info.software ? ' | SOFTWARE' : ''}`);
  console.log(`limits: maxBufferSize ${adapter.limits.maxBufferSize}, maxStorageBufferBindingSize ${adapter.limits.maxStorageBufferBindingSize}`);
  const gpu = await initBackend('webgpu');
  console.log(`backend: ${gpu.name} on ${gpu.device}`);

  const cpu = await resnet20Step('cpu');
  const onGpu = await resnet20Step('webgpu');
  const parity = worstRelativeDiff(cpu, onGpu);
  console.log(`parity: ResNet-20 step with the regularizer, loss ${cpu[0][0].toFixed(6)} (cpu) vs ${onGpu[0][0].toFixed(6)} (webgpu); worst gradient difference ${parity.toExponential(2)} of its scale (${parity < 1e-4 ? 'ok' : 'FAIL'}, tolerance 1e-4)`);

  await tf.setBackend('webgpu');
  const results: Record<string, { plain: number; regularized: number; analysis: number; evalPlain: number }> = {};
  for (const name of models) {
    const m = MODELS[name];
    if (!m) throw new Error(`unknown model ${name}`);
    const r = await benchModel(name, m.shape, steps, m.classes);
    results[name] = {
      plain: imgPerSec(r.train.plain.wallMs),
      regularized: imgPerSec(r.train.regularized.wallMs),
      evalPlain: imgPerSec(r.eval.plain.wallMs),
      analysis: imgPerSec(r.eval.analysis.wallMs),
    };
    const x = results[name];
    console.log(`${name} ${m.shape.join('x')}, ${m.classes} classes, batch ${BATCH}: train ${x.plain.toFixed(0)} img/s (alpha 0), ${x.regularized.toFixed(0)} img/s (alpha ${ALPHA}); eval ${x.evalPlain.toFixed(0)} img/s plain, ${x.analysis.toFixed(0)} img/s with SI analysis`);
  }
  const torch = models.includes('resnet20') ? torchCuda(steps) : 'not measured';
  if (typeof torch === 'string') console.log(`PyTorch CUDA: ${torch}`);
  else console.log(`PyTorch ${torch.torch} CUDA ResNet-20: ${torch.imgPerSec.toFixed(0)} img/s; WebGPU/PyTorch ratio ${(results.resnet20.plain / torch.imgPerSec).toFixed(3)}x`);
  const out = process.env.GPU_CHECK_OUT ?? path.join(__dirname, 'gpu-check.json');
  fs.writeFileSync(out, JSON.stringify({ adapter: info, limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize }, parity, results, torch, steps, seconds: (Date.now() - t0) / 1000, at: new Date().toISOString() }, null, 1));
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${out}`);
}

main().catch((e: unknown) => {
  console.error(`gpu check failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
