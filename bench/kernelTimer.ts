// Per-kernel CPU time (process.cpuUsage, so other processes on a shared machine barely skew it) for the
// kernels of one backend: wraps every registered kernel function; nested kernel calls count to the outer one.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export interface KernelStat {
  /** CPU milliseconds (all threads of this process). */
  ms: number;
  /** Wall-clock milliseconds. */
  wallMs: number;
  calls: number;
}

export class KernelTimer {
  readonly byKernel = new Map<string, KernelStat>();
  private depth = 0;
  enabled = false;

  constructor(backendName: string) {
    for (const config of tf.getKernelsForBackend(backendName)) {
      const inner = config.kernelFunc;
      const name = config.kernelName;
      const wrapped: KernelFunc = (args) => {
        if (!this.enabled || this.depth > 0) return inner(args);
        this.depth++;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          const c = process.cpuUsage(c0);
          this.depth--;
          const shapes = Object.values(args.inputs as Record<string, TensorInfo>).map((t) => t?.shape);
          const axis = (args.attrs as { axis?: unknown } | undefined)?.axis;
          const key = `${name} ${JSON.stringify(shapes)}${axis !== undefined ? ` axis=${JSON.stringify(axis)}` : ''}`;
          const stat = this.byKernel.get(key) ?? { ms: 0, wallMs: 0, calls: 0 };
          stat.ms += (c.user + c.system) / 1000;
          stat.wallMs += performance.now() - t0;
          stat.calls++;
          this.byKernel.set(key, stat);
        }
      };
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({ kernelName: name, backendName, kernelFunc: wrapped });
    }
  }

  reset(): void {
    this.byKernel.clear();
  }

  byName(): Array<[string, KernelStat]> {
    const out = new Map<string, KernelStat>();
    for (const [key, s] of this.byKernel) {
      const name = key.split(' ')[0];
      const e = out.get(name) ?? { ms: 0, wallMs: 0, calls: 0 };
      e.ms += s.ms;
      e.wallMs += s.wallMs;
      e.calls += s.calls;
      out.set(name, e);
    }
    return [...out].sort((a, b) => b[1].ms - a[1].ms);
  }

  top(n: number): Array<[string, KernelStat]> {
    return [...this.byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, n);
  }
}
