// Conv2DBackpropFilter on the wasm backend through our own wasm SIMD kernel (kernels/filterGradient.wat),
// instantiated over the backend's own memory so it reads x and dy where tfjs keeps them and writes the
// gradient straight into an output tensor: no transposes, no copies. With a multi-threaded backend (shared
// memory) helper workers take equal shares of the batch into scratch sums that are added at the end. Helpers
// are started with the kernel and used once they report ready: a new worker cannot start while the main thread
// is blocked waiting for it, so the first calls may run on the main thread alone.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { instantiateSimdKernel, type WasmBackendMemory } from './wasmSimdModule';
import { CONTROL_INTS, DONE, JOB, READY, STATUS, writeJob } from './kernels/filterGradientControl';
import {
  accumulateFilterGradient,
  scratchFloats,
  type FilterGradientExports,
  type FilterGradientGeometry,
  type FilterGradientJob,
} from './kernels/filterGradientTaps';

interface Helper {
  worker: Worker;
  control: Int32Array;
  jobs: number;
  dead: boolean;
}

/** A helper that has not answered in this long is taken for dead and its share is computed here instead. */
const HELPER_TIMEOUT_MS = 60_000;

export class WasmFilterGradient {
  private helpers: Helper[] = [];

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly module: WebAssembly.Module,
    private readonly kernel: FilterGradientExports,
    private readonly helperCount: number,
  ) {
    this.startHelpers();
  }

  /** The kernel over this backend's memory, or undefined when the backend or the assembled kernel is missing. */
  static create(backend: WasmBackendMemory): WasmFilterGradient | undefined {
    const kernel = instantiateSimdKernel(backend, 'filterGradient');
    if (!kernel) return undefined;
    const helperCount = kernel.shared ? Math.max(0, backend.wasm.tfjs.getThreadsCount() - 1) : 0;
    return new WasmFilterGradient(kernel.memory, kernel.module, kernel.exports as unknown as FilterGradientExports, helperCount);
  }

  /** Threads this kernel computes on now: this one plus the helpers that are up. */
  get threads(): number {
    return 1 + this.readyHelpers().length;
  }

  /** The kernel's tiles need output channels in fours; other shapes take the XNNPACK path. */
  supports(g: FilterGradientGeometry): boolean {
    return g.outChannels % 4 === 0 && g.batch > 0 && g.outHeight > 0 && g.outWidth > 0;
  }

  /**
   * dW [fh, fw, ci, co] of x [b, h, w, ci] and dy [b, oh, ow, co] (float32, NHWC). The batch is always cut into
   * the same parts, one per thread, and their sums added in a fixed order, whichever helpers happen to be up:
   * the result is bit-identical from the first step on, so seeded runs stay reproducible.
   */
  compute(backend: WasmBackendMemory, x: TensorInfo, dy: TensorInfo, g: FilterGradientGeometry): TensorInfo {
    const size = g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
    const parts = Math.min(1 + this.helperCount, g.batch);
    const share = (i: number) => Math.round((g.batch * i) / parts);
    // One scratch block: the helpers' partial sums, then each part's panels (packed path only).
    const panelFloats = scratchFloats(g, Math.ceil(g.batch / parts));
    const scratchSize = (parts - 1) * size + parts * panelFloats;
    const out = backend.makeOutput([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], 'float32');
    const scratch = scratchSize > 0 ? backend.makeOutput([scratchSize], 'float32') : undefined;
    // Offsets only after every allocation: an allocation may grow (and so move the view of) the memory.
    const xPtr = backend.getMemoryOffset(x.dataId);
    const dyPtr = backend.getMemoryOffset(dy.dataId);
    const outPtr = backend.getMemoryOffset(out.dataId);
    const scratchPtr = scratch ? backend.getMemoryOffset(scratch.dataId) : 0;
    const panelsPtr = (part: number) => scratchPtr + 4 * ((parts - 1) * size + part * panelFloats);
    new Float32Array(this.memory.buffer, outPtr, size).fill(0);
    if (parts > 1) new Float32Array(this.memory.buffer, scratchPtr, size * (parts - 1)).fill(0);

    const jobs = Array.from({ length: parts - 1 }, (_, i) => ({
      geometry: g,
      xPtr,
      dyPtr,
      outPtr: scratchPtr + 4 * size * i,
      firstImage: share(i + 1),
      endImage: share(i + 2),
      scratchPtr: panelsPtr(i + 1),
    }));
    const ready = this.readyHelpers();
    const dispatched = jobs.slice(0, ready.length).map((job, i) => {
      const helper = ready[i];
      writeJob(helper.control, job);
      helper.jobs += 1;
      Atomics.store(helper.control, JOB, helper.jobs);
      Atomics.notify(helper.control, JOB);
      return { helper, job };
    });
    const run = (job: FilterGradientJob) => accumulateFilterGradient(this.kernel, job);
    run({ geometry: g, xPtr, dyPtr, outPtr, firstImage: 0, endImage: share(1), scratchPtr: panelsPtr(0) });
    for (const job of jobs.slice(dispatched.length)) run(job); // parts whose helper is not up yet
    const failed = dispatched.filter(({ helper }) => !this.awaitHelper(helper));
    if (failed.length > 0) {
      // Redo those parts here: a dead helper may have written some of its part.
      this.stopHelpers();
      for (const { job } of failed) {
        new Float32Array(this.memory.buffer, job.outPtr, size).fill(0);
        run(job);
      }
    }
    if (parts > 1) {
      const sums = new Float32Array(this.memory.buffer, outPtr, size);
      const partial = new Float32Array(this.memory.buffer, scratchPtr, size * (parts - 1));
      for (let p = 0; p < parts - 1; p++) {
        for (let i = 0, j = p * size; i < size; i++, j++) sums[i] += partial[j];
      }
    }
    if (scratch) backend.disposeData(scratch.dataId);
    return out;
  }

  /** Blocks until the helper reports its current job; false if it failed or never answered. */
  private awaitHelper(helper: Helper): boolean {
    for (;;) {
      const done = Atomics.load(helper.control, DONE);
      if (done === helper.jobs) return Atomics.load(helper.control, STATUS) === 0;
      if (Atomics.wait(helper.control, DONE, done, HELPER_TIMEOUT_MS) === 'timed-out') return false;
    }
  }

  private readyHelpers(): Helper[] {
    return this.helpers.filter((h) => !h.dead && Atomics.load(h.control, READY) === 1);
  }

  private startHelpers(): void {
    for (let i = 0; i < this.helperCount; i++) {
      const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
      const worker = new Worker(path.join(__dirname, 'kernels', 'filterGradientWorker.js'), {
        workerData: { kernel: this.module, memory: this.memory, control: control.buffer },
      });
      const helper: Helper = { worker, control, jobs: 0, dead: false };
      worker.unref(); // never keeps the engine alive
      worker.on('error', () => (helper.dead = true));
      worker.on('exit', () => (helper.dead = true));
      this.helpers.push(helper);
    }
  }

  private stopHelpers(): void {
    for (const helper of this.helpers) {
      helper.dead = true;
      void helper.worker.terminate();
    }
  }
}
