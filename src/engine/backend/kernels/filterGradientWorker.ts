// A helper thread for the wasm filter-gradient kernel: instantiates the same kernel over the backend's shared
// memory and computes the images of each job it finds in its mailbox (filterGradientControl.ts).
import { workerData } from 'node:worker_threads';
import { CONTROL_INTS, DONE, JOB, READY, STATUS, readJob } from './filterGradientControl';
import { accumulateFilterGradient, type FilterGradientExports } from './filterGradientTaps';

interface HelperData {
  kernel: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

// (not named `module`: that would clash with CommonJS's own `module` in the compiled file)
const { kernel, memory, control: controlBuffer } = workerData as HelperData;
const instance = new WebAssembly.Instance(kernel, { env: { memory } });
const kernelExports = instance.exports as unknown as FilterGradientExports;
const control = new Int32Array(controlBuffer, 0, CONTROL_INTS);

Atomics.store(control, READY, 1);

let seen = 0;
for (;;) {
  Atomics.wait(control, JOB, seen);
  seen = Atomics.load(control, JOB);
  let status = 0;
  try {
    accumulateFilterGradient(kernelExports, readJob(control));
  } catch {
    status = 1;
  }
  Atomics.store(control, STATUS, status);
  Atomics.store(control, DONE, seen);
  Atomics.notify(control, DONE);
}
