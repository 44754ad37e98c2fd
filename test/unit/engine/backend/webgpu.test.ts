// The WebGPU rung on a real adapter (in CI: Mesa's software Vulkan driver, llvmpipe, from bookworm-backports,
// which Dawn accepts). 'auto' must pass over a software adapter; named explicitly, webgpu trains, analyses,
// checkpoints and resumes like wasm, with the same numbers, without growing, and GPU faults become clear errors.
// Every op runs on the GPU (WEBGPU_CPU_FORWARD off), so a synchronous read of a GPU tensor would throw here.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../../src/protocol/config';
import type { EngineEvent } from '../../../../src/protocol/events';
import { backendInfo, initBackend } from '../../../../src/engine/backend';
import { findAdapter, gpuDeviceNodes, gpuFaultError, noAdapterReason } from '../../../../src/engine/backend/webgpu';
import { EngineError } from '../../../../src/engine/errors';
import { readRun, readSelectivity } from '../../../../src/engine/runStore';
import { resumeRun, type SessionEnv, startRun } from '../../../../src/engine/train';
import { REPO_ROOT } from '../../../repoRoot';
import { resnet20RegularizedStep } from './resnet20Step';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-webgpu-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

let adapter: Awaited<ReturnType<typeof findAdapter>> = null;
let backendName = '';
let skipped: string[] = [];

before(async () => {
  adapter = await findAdapter();
  if (!adapter) {
    // CI installs the software Vulkan driver: there, no adapter is a failure, not a reason to skip.
    if (process.env.CI) throw new Error(`no WebGPU adapter in CI: ${noAdapterReason()}`);
    return;
  }
  // 'auto' first, in this fresh process: it must not settle on a software adapter.
  const auto = await initBackend('auto');
  backendName = auto.name;
  skipped = auto.tried;
  const gpu = await initBackend('webgpu');
  assert.equal(gpu.name, 'webgpu');
});

function needsAdapter(t: { skip(message: string): void }): boolean {
  if (adapter) return true;
  t.skip(`no WebGPU adapter here (${noAdapterReason()})`);
  return false;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs `f` on `name`, reading every result asynchronously (the only read a GPU tensor allows). */
async function on(name: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  assert.ok(await tf.setBackend(name));
  const outs = tf.tidy(f);
  const data = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
  tf.dispose(outs);
  return data;
}

describe('the webgpu backend', () => {
  it("'auto' never picks a software adapter, and says why it passed webgpu over", (t) => {
    if (!needsAdapter(t)) return;
    if (adapter!.info.software) {
      assert.notEqual(backendName, 'webgpu');
      const why = skipped.find((s) => s.startsWith('webgpu:'));
      // Without a GPU device node Dawn is not even loaded; with one, the software adapter is refused by name.
      assert.match(why ?? '', gpuDeviceNodes().length ? /only a software adapter is available \(.+\)/ : /no GPU on this machine/);
    } else {
      assert.equal(backendName, 'webgpu', `a hardware adapter (${adapter!.info.description}) is used by 'auto'`);
    }
  });

  it('names the adapter it computes on: vendor, device and whether it is software', (t) => {
    if (!needsAdapter(t)) return;
    const { info } = adapter!;
    assert.ok(info.vendor.length > 0 && info.description.length > 0, JSON.stringify(info));
    if (/llvmpipe/.test(info.description)) assert.equal(info.software, true);
  });

  it('a whole ResNet-20 step with the regularizer: loss and every gradient on webgpu match the cpu backend', async (t) => {
    if (!needsAdapter(t)) return;
    const cpu = await on('cpu', resnet20RegularizedStep);
    const gpu = await on('webgpu', resnet20RegularizedStep);
    assert.equal(cpu.length, 60, 'loss and 59 gradients');
    cpu.forEach((c, i) => {
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
      assert.ok(maxAbsDiff(c, gpu[i]) / scale < 1e-4, `${i === 0 ? 'loss' : `gradient ${i}`} differs by ${maxAbsDiff(c, gpu[i])} (scale ${scale})`);
    });
  });

  const config = (name: string, overrides: Partial<RunConfig['train']> = {}): RunConfig => ({
    name,
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 64, testLimit: 32, cacheDir: path.join(root, '.cache') },
    train: { epochs: 3, batchSize: 16, lr: 0.05, maxBatchesPerEpoch: 2, seed: 5, ...overrides },
    selectivity: { alpha: -1 },
  });

  function env(events: EngineEvent[], shouldStop: () => boolean = () => false): SessionEnv {
    const info = backendInfo()!;
    return { emit: (e) => events.push(e), shouldStop, backend: { name: info.name, threads: info.threads, device: info.device }, progressEveryMs: 0 };
  }

  it('a short run, stopped in its last epoch and resumed on webgpu, ends with the metrics and analysis of the same run on wasm, without growing', async (t) => {
    if (!needsAdapter(t)) return;
    assert.ok(await tf.setBackend('webgpu'));
    const cfg = config('parity');
    const dir = path.join(root, 'gpu');
    const events: EngineEvent[] = [];
    const memory: Array<{ tensors: number; gpuBytes: number }> = [];
    let stop = false;
    const first = env(events, () => stop);
    first.emit = (e) => {
      events.push(e);
      if (e.type === 'epoch') {
        const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
        memory.push({ tensors: m.numTensors, gpuBytes: m.numBytesInGPU ?? NaN });
      }
      if (e.type === 'progress' && e.epoch === 3 && e.batch === 1) stop = true;
    };
    const stopped = await startRun({ runId: 'gpu', runDir: dir, config: cfg }, first);
    assert.equal(stopped.state, 'stopped', stopped.error);
    assert.equal(memory.length, 2);
    assert.equal(memory[1].tensors, memory[0].tensors, `tensors per epoch: ${memory.map((m) => m.tensors).join(', ')}`);
    assert.ok(memory[1].gpuBytes <= memory[0].gpuBytes, `GPU bytes per epoch: ${memory.map((m) => m.gpuBytes).join(', ')}`);
    const resumed = await resumeRun('gpu', dir, env([]));
    assert.equal(resumed.state, 'completed', resumed.error);

    // The same config on wasm, uninterrupted, in its own process (as the CLI runs it).
    const configFile = path.join(root, 'parity.selectivity.json');
    fs.writeFileSync(configFile, JSON.stringify({ kind: 'run', ...cfg }));
    const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'selectivity-lens'), 'train', configFile, '--runs-dir', path.join(root, 'wasm'), '--backend', 'wasm', '--json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const wasmDir = path.join(root, 'wasm', fs.readdirSync(path.join(root, 'wasm')).find((n) => n.startsWith('parity-'))!);

    const gpuRun = readRun(dir);
    const wasmRun = readRun(wasmDir);
    assert.equal(gpuRun.meta?.backend, 'webgpu');
    assert.match(gpuRun.meta?.backendDevice ?? '', /\(.+\)/, 'the run records its adapter');
    assert.deepEqual(gpuRun.metrics.map((m) => m.epoch), [1, 2, 3]);
    gpuRun.metrics.forEach((g, i) => {
      const w = wasmRun.metrics[i];
      for (const key of ['trainCE', 'trainSI', 'testLoss', 'networkSI'] as const) {
        assert.ok(Math.abs(g[key] - w[key]) <= 1e-3 * Math.max(1, Math.abs(w[key])), `epoch ${g.epoch} ${key}: webgpu ${g[key]}, wasm ${w[key]}`);
      }
      for (const key of ['trainAcc', 'testAcc'] as const) {
        // One sample's prediction may flip on a near-tie: at most one of 32.
        assert.ok(Math.abs(g[key] - w[key]) <= 1 / 32 + 1e-9, `epoch ${g.epoch} ${key}: webgpu ${g[key]}, wasm ${w[key]}`);
      }
    });
    const gpuSnap = readSelectivity(dir)!;
    const wasmSnap = readSelectivity(wasmDir)!;
    assert.equal(gpuSnap.epoch, 3);
    assert.deepEqual(gpuSnap.layers.map((l) => l.layer), wasmSnap.layers.map((l) => l.layer));
    gpuSnap.layers.forEach((l, i) => {
      const d = maxAbsDiff(Float32Array.from(l.si), Float32Array.from(wasmSnap.layers[i].si));
      assert.ok(d < 2e-3, `${l.layer}: per-unit SI differs by ${d}`);
    });
  });

  it('a batch too large for the GPU fails with one clear message naming train.batchSize, and keeps the run folder', async (t) => {
    if (!needsAdapter(t)) return;
    // A hardware GPU's binding limit (GBs) would need more images than the embedded digits hold.
    if (!adapter!.info.software) return t.skip('needs the software adapter\'s 128 MB binding limit');
    assert.ok(await tf.setBackend('webgpu'));
    // small-cnn's first activation at 28x28x32 floats is 100 KB an image: 1,300 images exceed a 128 MB binding.
    const limit = (adapter!.adapter.limits.maxStorageBufferBindingSize as number) / (28 * 28 * 32 * 4);
    const batchSize = Math.ceil(limit * 1.2);
    const cfg = config('oom', { epochs: 1, batchSize, maxBatchesPerEpoch: 1 });
    cfg.data.trainLimit = batchSize;
    const dir = path.join(root, 'oom');
    let error: unknown;
    try {
      await startRun({ runId: 'oom', runDir: dir, config: cfg }, env([]));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof EngineError, `an EngineError, got ${String(error)}`);
    assert.equal(error.code, 'OUT_OF_MEMORY');
    assert.equal(error.details.field, 'train.batchSize');
    assert.match(error.message, new RegExp(`batch size ${batchSize}\\b.*Lower train\\.batchSize`));
    assert.ok(fs.existsSync(path.join(dir, 'config.json')), 'the run folder stays');
  });

  it('a lost device and other GPU faults read as one sentence each; the lost device says how to go on', () => {
    const lost = gpuFaultError({ kind: 'device-lost', message: 'Device was lost.\n - While calling Queue.Submit' }, 64);
    assert.equal(lost.code, 'BACKEND_UNAVAILABLE');
    assert.equal(lost.details.field, 'backend');
    assert.match(lost.message, /^The GPU device was lost.*\(Device was lost\): .*Resume the run to continue from its last checkpoint/);
    const oom = gpuFaultError({ kind: 'out-of-memory', message: 'Out of memory.' }, 512);
    assert.equal(oom.code, 'OUT_OF_MEMORY');
    assert.match(oom.message, /ran out of memory at batch size 512\b.*\(Out of memory\)\. Lower train\.batchSize/);
  });

  it('without a usable Vulkan driver, naming "webgpu" fails with why and what to set instead', () => {
    const configFile = path.join(root, 'no-adapter.selectivity.json');
    fs.writeFileSync(configFile, JSON.stringify({ kind: 'run', ...config('no-adapter'), backend: 'webgpu' }));
    const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'selectivity-lens'), 'train', configFile, '--runs-dir', path.join(root, 'none')], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: path.join(root, 'missing_icd.json'), VK_DRIVER_FILES: path.join(root, 'missing_icd.json') },
    });
    assert.equal(cli.status, 2, cli.stderr);
    const last = cli.stderr.trim().split('\n').pop()!;
    assert.match(last, /^selectivity-lens: Backend "webgpu" is not available: webgpu: Dawn found no (usable )?GPU adapter.*Set "backend" to "auto", "wasm" or "cpu"\.$/);
  });
});

