// The native-CUDA readiness check: what tfjs-node-gpu (libtensorflow 2.9.1) needs, judged from what a machine
// reports (nvidia-smi, the linker cache, library folders), and the `gpu` CLI command that prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { GpuReport } from '../../../../src/protocol/gpu';
import { type CudaProbe, judgeCuda } from '../../../../src/engine/backend/cudaReadiness';
import { REPO_ROOT } from '../../../repoRoot';

const CUDA11 = ['libcudart.so.11.0', 'libcublas.so.11', 'libcublasLt.so.11', 'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11', 'libcudnn.so.8'];

function probe(over: Partial<CudaProbe>): CudaProbe {
  return { platform: 'linux', arch: 'x64', libraryDirs: ['/opt/cuda11/lib'], linkerCache: '', ...over };
}

test('a Hopper machine with only CUDA 12 is told exactly what is missing and how to get CUDA 11', () => {
  const r = judgeCuda(
    probe({ nvidiaSmi: 'NVIDIA H200, 570.86.15, 9.0, 143771\n', linkerCache: '\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda-12.8/lib64/libcudart.so.12\n' }),
    () => false,
  );
  assert.equal(r.ready, false);
  assert.deepEqual(r.driver, { version: '570.86.15', gpus: [{ name: 'NVIDIA H200', computeCapability: '9.0', memoryMiB: 143771 }] });
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /libcudart\.so\.11\.0 \(CUDA 11 runtime\).*libcudnn\.so\.8 \(cuDNN 8\)/);
  assert.match(r.problems[0], /has CUDA 12 \(libcudart\.so\.12\), which libtensorflow 2\.9\.1 cannot use/);
  assert.match(r.problems[0], /CUDA 11\.8 runtime with cuDNN 8\.9/);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /NVIDIA H200 has compute capability 9\.0.*PTX.*30 minutes/);
});

test('CUDA 11 and cuDNN 8 found in a library folder or the linker cache: ready, each library located', () => {
  const inDir = new Set(CUDA11.slice(0, 7).map((s) => path.join('/opt/cuda11/lib', s)));
  const r = judgeCuda(
    probe({ nvidiaSmi: 'NVIDIA A100-SXM4-80GB, 535.104.05, 8.0, 81920\n', linkerCache: '\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8\n' }),
    (f) => inDir.has(f),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.warnings, [], 'an A100 (8.0) has prebuilt kernels');
  assert.equal(r.ready, true);
  assert.equal(r.libraries.find((l) => l.soname === 'libcudnn.so.8')?.found, '/usr/lib/x86_64-linux-gnu/libcudnn.so.8');
  assert.equal(r.libraries.find((l) => l.soname === 'libcudart.so.11.0')?.found, '/opt/cuda11/lib/libcudart.so.11.0');
});

test('no driver, an old driver, an unsupported platform: one sentence each', () => {
  const none = judgeCuda(probe({}), () => true);
  assert.deepEqual(none.problems, ['No NVIDIA driver found (no nvidia-smi, no /proc/driver/nvidia/version): install the NVIDIA driver for this GPU first.']);
  const old = judgeCuda(probe({ procVersion: 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  418.87.01  Thu Aug  8 15:35:46 CDT 2019' }), () => true);
  assert.match(old.problems[0], /driver 418\.87\.01 is older than CUDA 11 needs/);
  const mac = judgeCuda(probe({ platform: 'darwin', arch: 'arm64' }), () => false);
  assert.match(mac.problems[0], /Linux x64 and Windows x64 only, not darwin-arm64; use the webgpu backend/);
});

test('`selectivity-lens gpu --json` reports the adapter, CUDA readiness, what auto uses and a passing self-test', () => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'selectivity-lens'), 'gpu', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as GpuReport;
  assert.equal(report.selfTest.ok, true, report.selfTest.error);
  assert.ok(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'].includes(report.auto.backend));
  if (report.webgpu.adapter?.software) assert.notEqual(report.auto.backend, 'webgpu', "auto passes a software adapter over");
  if (!report.webgpu.adapter) assert.ok(report.webgpu.reason && report.webgpu.reason.length > 0);
  assert.equal(typeof report.cuda.ready, 'boolean');
  assert.equal(report.native['tfjs-node-gpu'].installed, false);
});
