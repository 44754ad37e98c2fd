// Throughput benchmark (npm run bench): ResNet-20 (32x32x3) and the small CNN (28x28x1) at batch 128, 10 classes.
//  - training img/s without (alpha = 0) and with the selectivity regularizer (alpha = -1), steps interleaved so
//    that load from other processes hits both alike;
//  - the held-out analysis pass (forward + SelectivityAccumulator) against a plain evaluation forward pass;
//  - where `/usr/bin/python3 -c 'import torch'` works, the same ResNet-20 step in PyTorch on 2 threads
//    (bench/torch_resnet20.py), measured in the same run, as a ratio.
// Inputs are random tensors already on the device: data loading is not part of these numbers.
// Options (environment): BENCH_BACKEND (default auto), BENCH_THREADS (default 2, as PyTorch), BENCH_STEPS (timed steps per mode, default 8),
// BENCH_MODELS (comma list, default resnet20,small-cnn), BENCH_TORCH=0 to skip PyTorch, BENCH_ANALYSES=0 to skip the
// analysis costs (bench/analyses.ts: each analysis on ResNet-20 relative to one held-out forward pass).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName, ModelName } from '../src/protocol/config';
import { initBackend } from '../src/engine/backend';
import { findAdapter } from '../src/engine/backend/webgpu';
import { ALPHA, BATCH, benchModel, imgPerSec, type ModelResult } from './trainThroughput';
import { benchAnalyses } from './analyses';

const TORCH_THREADS = 2;

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
  const backends = await benchBackends();
  const load = os.loadavg()[0];
  const runs: Array<{ backend: Awaited<ReturnType<typeof initBackend>>; results: ModelResult[]; torch?: TorchResult | string; torch1?: TorchResult | string }> = [];
  for (const wanted of backends) {
    const backend = await initBackend(wanted, { threads });
    if (runs.some((r) => r.backend.name === backend.name)) continue;
    const run = await benchBackend(backend, models, steps, threads, load);
    runs.push({ backend, ...run });
  }
  // The analyses' cost relative to a forward pass, on the first backend measured.
  if (runs.length > 1) await initBackend(backends[0], { threads });
  const analyses = process.env.BENCH_ANALYSES === '0' ? undefined : await benchAnalyses();
  const out = path.resolve(__dirname, 'bench-results.json');
  fs.writeFileSync(out, JSON.stringify({ load, batch: BATCH, steps, runs, analyses, at: new Date().toISOString() }, null, 1));
  console.log(`raw timings: ${out}`);
}

/**
 * Backends to measure: BENCH_BACKEND (a comma list), else 'auto' and, where Dawn finds a hardware GPU that
 * 'auto' did not already pick, 'webgpu' too. (A software adapter is measured only when named.)
 */
async function benchBackends(): Promise<BackendName[]> {
  if (process.env.BENCH_BACKEND) return process.env.BENCH_BACKEND.split(',') as BackendName[];
  const found = await findAdapter().catch(() => null);
  return found && !found.info.software ? ['auto', 'webgpu'] : ['auto'];
}

async function benchBackend(
  backend: Awaited<ReturnType<typeof initBackend>>,
  models: ModelName[],
  steps: number,
  threads: number,
  load: number,
): Promise<{ results: ModelResult[]; torch?: TorchResult | string; torch1?: TorchResult | string }> {
  console.log(`Selectivity Lens bench: backend ${backend.name} (${backend.device ?? `${backend.threads} thread(s)`}), batch ${BATCH}, ${steps} timed steps per mode`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load.toFixed(1)} at start; Node ${process.version}`);
  console.log('img/s from wall-clock medians; "cpu img/s" from this process\'s CPU time (less sensitive to other load).\n');

  const results: ModelResult[] = [];
  let torch: TorchResult | string | undefined;
  let torch1: TorchResult | string | undefined;
  for (const name of models) {
    const shape: [number, number, number] = name === 'small-cnn' ? [28, 28, 1] : [32, 32, 3];
    // PyTorch runs right before and right after our measurement and the two are averaged, so that a change in
    // the machine's load during the run hits both sides alike.
    const torchBefore = name === 'resnet20' && !backend.device ? torchResNet20(steps, TORCH_THREADS) : undefined;
    const r = await benchModel(name, shape, steps);
    results.push(r);
    if (torchBefore !== undefined) {
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
  return { results, torch, torch1 };
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
