// Whether @tensorflow/tfjs-node-gpu can work here, checked before anyone installs it: it bundles libtensorflow
// 2.9.1, which opens the CUDA 11 runtime (libcudart.so.11.0), cuBLAS 11, cuFFT 10, cuRAND 10, cuSOLVER 11,
// cuSPARSE 11 and cuDNN 8 by name, so CUDA 12 systems fail at load; and its kernels stop at compute
// capability 8.0, so newer GPUs (Ada 8.9, Hopper 9.0) compile them from PTX on first use. Plain Node, no tfjs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CudaReadiness, NvidiaGpu } from '../../protocol/gpu';

const LIBRARIES: Array<{ soname: string; what: string }> = [
  { soname: 'libcudart.so.11.0', what: 'CUDA 11 runtime' },
  { soname: 'libcublas.so.11', what: 'cuBLAS 11' },
  { soname: 'libcublasLt.so.11', what: 'cuBLAS Lt 11' },
  { soname: 'libcufft.so.10', what: 'cuFFT 10 (CUDA 11)' },
  { soname: 'libcurand.so.10', what: 'cuRAND 10 (CUDA 11)' },
  { soname: 'libcusolver.so.11', what: 'cuSOLVER 11' },
  { soname: 'libcusparse.so.11', what: 'cuSPARSE 11' },
  { soname: 'libcudnn.so.8', what: 'cuDNN 8' },
];

/** Newest compute capability libtensorflow 2.9.1 ships kernels for. */
const NEWEST_BUILT_CAPABILITY = 8.0;
/** Oldest Linux driver CUDA 11.x runs on. */
const MIN_DRIVER_MAJOR = 450;

const HOW_TO_GET_CUDA_11 =
  'Install the CUDA 11.8 runtime with cuDNN 8.9 for CUDA 11 (e.g. `pip install nvidia-cuda-runtime-cu11 nvidia-cublas-cu11 ' +
  'nvidia-cufft-cu11 nvidia-curand-cu11 nvidia-cusolver-cu11 nvidia-cusparse-cu11 "nvidia-cudnn-cu11==8.9.*"` and add their ' +
  '`nvidia/*/lib` folders to LD_LIBRARY_PATH before VS Code starts), or run in a CUDA 11 container such as ' +
  'nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04. Or use the webgpu backend, which needs only the GPU driver.';

export interface CudaProbe {
  platform: string;
  arch: string;
  /** Folders to look for the libraries in, besides the linker cache. */
  libraryDirs: string[];
  /** `ldconfig -p` output ('' where there is none). */
  linkerCache: string;
  /** `nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader,nounits`, or undefined. */
  nvidiaSmi?: string;
  /** /proc/driver/nvidia/version, or undefined. */
  procVersion?: string;
}

/** Reads what this machine has (the part of the check that touches the system). */
export function probeCuda(): CudaProbe {
  const env = process.env.LD_LIBRARY_PATH ?? '';
  const cudaHomes = ['/usr/local'].flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((n) => /^cuda(-11(\.\d+)?)?$/.test(n)).map((n) => path.join(d, n, 'lib64')) : []));
  const libraryDirs = [...env.split(path.delimiter).filter(Boolean), ...(process.env.CUDA_PATH ? [path.join(process.env.CUDA_PATH, 'lib64')] : []), ...cudaHomes, '/usr/lib/x86_64-linux-gnu', '/usr/lib64'];
  const run = (cmd: string, args: string[]): string | undefined => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout : undefined;
  };
  let procVersion: string | undefined;
  try {
    procVersion = fs.readFileSync('/proc/driver/nvidia/version', 'utf8');
  } catch {
    procVersion = undefined;
  }
  return {
    platform: process.platform,
    arch: process.arch,
    libraryDirs,
    linkerCache: process.platform === 'linux' ? (run('ldconfig', ['-p']) ?? run('/sbin/ldconfig', ['-p']) ?? '') : '',
    nvidiaSmi: run('nvidia-smi', ['--query-gpu=name,driver_version,compute_cap,memory.total', '--format=csv,noheader,nounits']),
    procVersion,
  };
}

/** Judges a probe: which pieces are there, what is missing and how to get it. Pure, so it is testable. */
export function judgeCuda(probe: CudaProbe, exists: (file: string) => boolean = fs.existsSync): CudaReadiness {
  const platformSupported = (probe.platform === 'linux' || probe.platform === 'win32') && probe.arch === 'x64';
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!platformSupported) {
    problems.push(`@tensorflow/tfjs-node-gpu exists for Linux x64 and Windows x64 only, not ${probe.platform}-${probe.arch}; use the webgpu backend for this GPU.`);
  }

  let driver: CudaReadiness['driver'];
  if (probe.nvidiaSmi?.trim()) {
    const gpus: NvidiaGpu[] = [];
    let version = '';
    for (const line of probe.nvidiaSmi.trim().split('\n')) {
      const [name, driverVersion, cap, memory] = line.split(',').map((s) => s.trim());
      version ||= driverVersion;
      gpus.push({ name, ...(/^\d+\.\d+$/.test(cap) ? { computeCapability: cap } : {}), ...(Number.isFinite(Number(memory)) ? { memoryMiB: Number(memory) } : {}) });
    }
    driver = { version, gpus };
  } else if (probe.procVersion) {
    const version = /Kernel Module\s+([\d.]+)/.exec(probe.procVersion)?.[1] ?? 'unknown';
    driver = { version, gpus: [] };
  }
  if (!driver) {
    problems.push('No NVIDIA driver found (no nvidia-smi, no /proc/driver/nvidia/version): install the NVIDIA driver for this GPU first.');
  } else if (Number.parseInt(driver.version, 10) < MIN_DRIVER_MAJOR) {
    problems.push(`NVIDIA driver ${driver.version} is older than CUDA 11 needs (${MIN_DRIVER_MAJOR}.80 or newer): update the driver.`);
  }
  for (const gpu of driver?.gpus ?? []) {
    const cap = Number(gpu.computeCapability);
    if (cap > NEWEST_BUILT_CAPABILITY) {
      warnings.push(
        `${gpu.name} has compute capability ${gpu.computeCapability}, newer than libtensorflow 2.9.1's kernels (up to ${NEWEST_BUILT_CAPABILITY.toFixed(1)}): ` +
          'TensorFlow compiles them from PTX on first use, which can take 30 minutes or more. Set CUDA_CACHE_MAXSIZE=4294967296 so the compiled kernels stay cached (~/.nv/ComputeCache); the webgpu backend needs no such step.',
      );
    }
  }

  const libraries = LIBRARIES.map(({ soname, what }) => ({ soname, what, found: findLibrary(soname, probe, exists) }));
  const missing = libraries.filter((l) => !l.found);
  if (platformSupported && probe.platform === 'linux' && missing.length > 0) {
    const cuda12 = /libcudart\.so\.12/.test(probe.linkerCache) || probe.libraryDirs.some((d) => exists(path.join(d, 'libcudart.so.12')));
    problems.push(
      `Missing for libtensorflow 2.9.1: ${missing.map((l) => `${l.soname} (${l.what})`).join(', ')}, looked for in LD_LIBRARY_PATH, the linker cache and /usr/local/cuda*.` +
        (cuda12 ? ' This machine has CUDA 12 (libcudart.so.12), which libtensorflow 2.9.1 cannot use.' : '') +
        ` ${HOW_TO_GET_CUDA_11}`,
    );
  }
  return { platformSupported, driver, libraries, problems, warnings, ready: problems.length === 0 };
}

function findLibrary(soname: string, probe: CudaProbe, exists: (file: string) => boolean): string | undefined {
  for (const dir of probe.libraryDirs) {
    const file = path.join(dir, soname);
    if (exists(file)) return file;
  }
  // ldconfig -p lines: "\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.11.0"
  const line = probe.linkerCache.split('\n').find((l) => l.trim().startsWith(`${soname} `));
  return line?.split('=>')[1]?.trim();
}
