// What this machine offers for GPU training: `selectivity-lens gpu --json` prints it, the host's "Set Up GPU"
// command shows it.

export interface GpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of WebGPU (Mesa llvmpipe, SwiftShader, WARP): never used by 'auto'. */
  software: boolean;
}

export interface NvidiaGpu {
  name: string;
  /** e.g. "9.0" for Hopper; absent when the driver is too old to report it. */
  computeCapability?: string;
  memoryMiB?: number;
}

/** What @tensorflow/tfjs-node-gpu (libtensorflow 2.9.1, CUDA 11, cuDNN 8) needs, and what was found of it. */
export interface CudaReadiness {
  /** tfjs-node-gpu exists for Linux x64 and Windows x64 only. */
  platformSupported: boolean;
  driver?: { version: string; gpus: NvidiaGpu[] };
  /** Each library libtensorflow opens, and the file found for it. */
  libraries: Array<{ soname: string; what: string; found?: string }>;
  /** One sentence per missing piece, saying how to get it; empty when ready. */
  problems: string[];
  /** Not blocking, but worth knowing (e.g. kernels compiled from PTX on first use). */
  warnings: string[];
  ready: boolean;
}

export interface GpuReport {
  webgpu: { adapter?: GpuAdapterDescription; label?: string; reason?: string };
  cuda: CudaReadiness;
  /** Where each optional native package was found, or why not. */
  native: Record<'tfjs-node-gpu' | 'tfjs-node', { installed: boolean; detail: string }>;
  /** What a run with backend "auto" uses on this machine, and why it passed over the rungs above it. */
  auto: { backend: string; device?: string; passedOver: string[] };
  /** A short computation on the chosen backend (a matrix product and a convolution), read back. */
  selfTest: { ok: boolean; ms: number; error?: string };
}

/** The report as lines of text (the CLI prints it; the extension logs it). */
export function gpuReportText(r: GpuReport): string {
  const lines: string[] = [];
  const a = r.webgpu.adapter;
  lines.push(
    a
      ? `WebGPU (Dawn): ${r.webgpu.label}${a.software ? ' - a software adapter: used only when a config names "backend": "webgpu"' : ''}`
      : `WebGPU (Dawn): no adapter. ${r.webgpu.reason ?? ''}`,
  );
  const c = r.cuda;
  const gpus = c.driver?.gpus.map((g) => `${g.name}${g.computeCapability ? ` (compute ${g.computeCapability})` : ''}`).join(', ');
  lines.push(`Native CUDA (@tensorflow/tfjs-node-gpu): ${r.native['tfjs-node-gpu'].installed ? 'installed' : 'not installed'}; ${c.ready ? 'this machine has what it needs' : 'this machine lacks what it needs'}` + (c.driver ? `; NVIDIA driver ${c.driver.version}${gpus ? `, ${gpus}` : ''}` : ''));
  for (const p of c.problems) lines.push(`  - ${p}`);
  for (const w of c.warnings) lines.push(`  ! ${w}`);
  lines.push(`Native CPU (@tensorflow/tfjs-node): ${r.native['tfjs-node'].installed ? 'installed' : 'not installed'}`);
  lines.push(`Next run with "auto": ${r.auto.backend}${r.auto.device ? ` on ${r.auto.device}` : ''}`);
  for (const t of r.auto.passedOver) lines.push(`  passed over ${t}`);
  lines.push(`Self-test on ${r.auto.backend}: ${r.selfTest.ok ? `ok (${r.selfTest.ms.toFixed(0)} ms)` : `FAILED: ${r.selfTest.error ?? 'unknown'}`}`);
  return `${lines.join('\n')}\n`;
}
