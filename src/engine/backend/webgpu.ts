// The WebGPU rung: TensorFlow.js's WebGPU backend on Dawn's Node binding (npm `webgpu`), which reaches NVIDIA,
// AMD and Intel GPUs through Vulkan, Apple's through Metal and Windows' through D3D12. The adapter is chosen and
// vetted here before tfjs sees it, so the run records which GPU it trained on and 'auto' never trains on a
// software adapter (Mesa's llvmpipe is far slower than the wasm rung; tests name 'webgpu' to use it).
/// <reference types="@webgpu/types" />
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';

export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of the API (Mesa llvmpipe, SwiftShader, WARP). */
  software: boolean;
}

/** What the rung needs from Dawn's binding: its globals (GPUBufferUsage...) and a navigator.gpu. */
interface DawnBinding {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: DawnBinding | undefined;
/** Dawn's instance. Held for the life of the process: once collected, its adapters and devices crash. */
let instance: GPU | undefined;

/** Names a dawn.node to load instead of the package's (a bundled engine carried to a machine without npm). */
export const DAWN_BINARY_ENV = 'SELECTIVITY_LENS_DAWN';

/** The dawn.node of this platform inside the `webgpu` package (one folder per platform-arch). */
export function dawnBinaryPath(): string {
  const named = process.env[DAWN_BINARY_ENV];
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`${DAWN_BINARY_ENV} names ${named}, which does not exist`);
    return named;
  }
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('webgpu/package.json'));
  } catch {
    throw new Error('the npm package "webgpu" (Dawn) is not installed');
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const binary = path.join(pkgDir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  if (!fs.existsSync(binary)) {
    throw new Error(`Dawn has no binary for ${process.platform}-${arch} here (${binary} is missing; this build of the extension is for another platform)`);
  }
  return binary;
}

/** Dawn's one instance, loaded on first use; the package's own entry is an ES module, so the binary is required directly. */
function dawnInstance(): GPU {
  instance ??= loadDawn().create([]);
  return instance;
}

function loadDawn(): DawnBinding {
  if (!dawn) {
    const binary = dawnBinaryPath();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon at a path known only at run time
      dawn = require(binary) as DawnBinding;
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new Error(`Dawn (${binary}) failed to load: ${msg}`, { cause: e });
    }
    Object.assign(globalThis, dawn.globals);
  }
  return dawn;
}

/** The adapter Dawn offers for compute (the high-performance one), described; null when there is none. */
export async function findAdapter(): Promise<{ adapter: GPUAdapter; info: GpuAdapterInfo } | null> {
  const adapter = await dawnInstance().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  return { adapter, info: describeAdapter(adapter) };
}

export function describeAdapter(adapter: GPUAdapter): GpuAdapterInfo {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: info.isFallbackAdapter === true || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader|\bwarp\b/i.test(text),
  };
}

/** Linux device nodes through which a GPU driver is reached (NVIDIA, DRM render nodes, WSL's /dev/dxg). */
export function gpuDeviceNodes(): string[] {
  const nodes: string[] = [];
  const list = (dir: string, match: RegExp) => {
    try {
      for (const name of fs.readdirSync(dir)) if (match.test(name)) nodes.push(path.join(dir, name));
    } catch {
      // no such folder
    }
  };
  list('/dev', /^(nvidia\d+|dxg)$/);
  list('/dev/dri', /^renderD\d+$/);
  return nodes;
}

/** One line naming the adapter for the run's metadata, the panel header and the CLI. */
export function adapterLabel(info: GpuAdapterInfo): string {
  const name = info.description || info.device || 'unknown device';
  return `${name} (${info.vendor || 'unknown vendor'}${info.software ? ', software' : ''})`;
}

/** Why Dawn found no adapter, as far as this machine tells: the Vulkan loader or a driver missing. */
export function noAdapterReason(): string {
  if (process.platform !== 'linux') return 'Dawn found no GPU adapter (is a GPU driver installed?)';
  const loaderDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)];
  if (!loaderDirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')))) {
    return 'Dawn found no GPU adapter: the Vulkan loader libvulkan.so.1 is missing (Debian/Ubuntu: apt install libvulkan1)';
  }
  const icdDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  const icds = icdDirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : []));
  if (icds.length === 0 && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    return 'Dawn found no GPU adapter: no Vulkan driver is installed (NVIDIA: the driver package with its Vulkan ICD; AMD/Intel: mesa-vulkan-drivers)';
  }
  return `Dawn found no usable GPU adapter among the Vulkan drivers here (${icds.join(', ') || 'VK_ICD_FILENAMES'}); \`vulkaninfo\` tells more`;
}

export interface WebGpuStart {
  info: GpuAdapterInfo;
  device: GPUDevice;
}

/**
 * Starts tfjs's 'webgpu' backend on the adapter found here. `allowSoftware` is false for 'auto': a software
 * adapter is then refused with the reason. GPU errors the device reports later are kept for `takeGpuFault`.
 */
export async function startWebGpu(allowSoftware: boolean): Promise<WebGpuStart> {
  // 'auto' on a Linux machine without any GPU device node has only software adapters to find: Dawn is not even
  // loaded (it takes time and writes driver warnings to stderr).
  if (!allowSoftware && process.platform === 'linux' && gpuDeviceNodes().length === 0) {
    throw new Error('no GPU on this machine (no /dev/nvidia*, /dev/dri/renderD* or /dev/dxg)');
  }
  const found = await findAdapter();
  if (!found) throw new Error(noAdapterReason());
  const { adapter, info } = found;
  if (info.software && !allowSoftware) {
    throw new Error(`only a software adapter is available (${adapterLabel(info)}), slower than wasm; name "webgpu" as the backend to use it anyway`);
  }
  // tfjs asks navigator.gpu for its adapter: hand it the one vetted here.
  const gpu = dawnInstance();
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: { requestAdapter: () => Promise.resolve(adapter), getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat(), wgslLanguageFeatures: gpu.wgslLanguageFeatures } },
    configurable: true,
    writable: true,
  });
  // The package registers its backend at load only when navigator.gpu exists: it is loaded here, not imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-webgpu');
  // Small ops on CPU-resident inputs would run on the CPU and hide synchronous reads of GPU tensors in tests;
  // everything runs on the GPU instead. (The flag exists once the backend package is loaded.)
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const ok = await tf.setBackend('webgpu');
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(`tfjs's WebGPU backend did not start on ${adapterLabel(info)}`);
  await tf.ready();
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  watchDevice(device);
  activeAdapter = info;
  return { info, device };
}

/** A GPU fault the device reported since the last `takeGpuFault` (out of memory, validation, device lost). */
export interface GpuFault {
  /** buffer-limit: one tensor is larger than the device lets a kernel bind (maxStorageBufferBindingSize). */
  kind: 'out-of-memory' | 'buffer-limit' | 'device-lost' | 'validation' | 'internal';
  message: string;
}

let fault: GpuFault | undefined;
let activeAdapter: GpuAdapterInfo | undefined;

const watched = new WeakSet<GPUDevice>();

function watchDevice(device: GPUDevice): void {
  // tfjs keeps one backend (and device) per process: a second start must not add a second set of listeners.
  if (watched.has(device)) return;
  watched.add(device);
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    const kind = error instanceof GPUOutOfMemoryError ? 'out-of-memory' : error instanceof GPUValidationError ? 'validation' : 'internal';
    // The first fault is the cause; what follows from it (buffers that were never created) is noise.
    const overLimit = kind === 'validation' && /larger than the maximum|exceeds the max|maxBufferSize|maxStorageBufferBindingSize/i.test(error.message);
    fault ??= { kind: overLimit ? 'buffer-limit' : kind, message: error.message };
  });
  void device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') fault ??= { kind: 'device-lost', message: lost.message || 'the GPU device was lost' };
  });
}

/** The fault the GPU reported since the last call, if any, and forgets it. */
export function takeGpuFault(): GpuFault | undefined {
  const f = fault;
  fault = undefined;
  return f;
}

/**
 * Awaits a read of results computed on the GPU. A fault the device reported meanwhile (or a read that failed
 * because of one) becomes one clear EngineError naming the batch size; the run keeps its last checkpoint.
 */
export async function checkedRead<T>(read: Promise<T>, batchSize: number): Promise<T> {
  let value: T;
  try {
    value = await read;
  } catch (e) {
    const f = takeGpuFault();
    if (f) throw gpuFaultError(f, batchSize);
    throw e;
  }
  const f = takeGpuFault();
  if (f) throw gpuFaultError(f, batchSize);
  return value;
}

export function gpuFaultError(f: GpuFault, batchSize: number): EngineError {
  const on = activeAdapter ? ` on ${adapterLabel(activeAdapter)}` : '';
  const detail = f.message.split('\n')[0].trim().replace(/\.$/, '');
  switch (f.kind) {
    case 'out-of-memory':
      return new EngineError(
        'OUT_OF_MEMORY',
        `The GPU ran out of memory at batch size ${batchSize}${on} (${detail}). Lower train.batchSize or pick a smaller model; the run resumes from its last checkpoint.`,
        { field: 'train.batchSize' },
      );
    case 'buffer-limit':
      return new EngineError(
        'OUT_OF_MEMORY',
        `At batch size ${batchSize} a tensor is larger than the GPU lets one kernel use${on} (${detail}). Lower train.batchSize; the run resumes from its last checkpoint.`,
        { field: 'train.batchSize' },
      );
    case 'device-lost':
      return new EngineError(
        'BACKEND_UNAVAILABLE',
        `The GPU device was lost${on} (${detail}): the driver reset or the GPU went away. Resume the run to continue from its last checkpoint, or set "backend" to "wasm".`,
        { field: 'backend' },
      );
    case 'validation':
    case 'internal':
      return new EngineError('INTERNAL', `Internal engine error: the GPU reported ${f.kind === 'validation' ? 'a validation error' : 'an internal error'}${on}: ${detail}`);
  }
}
