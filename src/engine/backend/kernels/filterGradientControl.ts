// The shared-memory mailbox between the main thread and one filter-gradient helper worker: the main thread
// writes a job and bumps JOB; the worker computes, writes STATUS and sets DONE to the job's number. Both sides
// block in Atomics.wait, so a job costs no message passing and no event-loop turn.
import { GEOMETRY_FIELDS, type FilterGradientGeometry, type FilterGradientJob } from './filterGradientTaps';

export const JOB = 0;
export const DONE = 1;
export const STATUS = 2; // 0 ok, 1 failed
export const READY = 3; // set once the worker has its kernel instance
const X_PTR = 4;
const DY_PTR = 5;
const OUT_PTR = 6;
const FIRST_IMAGE = 7;
const END_IMAGE = 8;
const SCRATCH_PTR = 9;
const GEOMETRY = 10;
export const CONTROL_INTS = GEOMETRY + GEOMETRY_FIELDS.length;


export function writeJob(control: Int32Array, job: FilterGradientJob): void {
  control[X_PTR] = job.xPtr | 0;
  control[DY_PTR] = job.dyPtr | 0;
  control[OUT_PTR] = job.outPtr | 0;
  control[FIRST_IMAGE] = job.firstImage;
  control[END_IMAGE] = job.endImage;
  control[SCRATCH_PTR] = job.scratchPtr | 0;
  GEOMETRY_FIELDS.forEach((field, i) => (control[GEOMETRY + i] = job.geometry[field]));
}

export function readJob(control: Int32Array): FilterGradientJob {
  const geometry = {} as FilterGradientGeometry;
  GEOMETRY_FIELDS.forEach((field, i) => (geometry[field] = control[GEOMETRY + i]));
  return {
    geometry,
    // Pointers are unsigned: wasm memory may pass 2 GiB.
    xPtr: control[X_PTR] >>> 0,
    dyPtr: control[DY_PTR] >>> 0,
    outPtr: control[OUT_PTR] >>> 0,
    firstImage: control[FIRST_IMAGE],
    endImage: control[END_IMAGE],
    scratchPtr: control[SCRATCH_PTR] >>> 0,
  };
}
