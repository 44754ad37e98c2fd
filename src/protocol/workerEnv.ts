// Environment variables an engine worker process reads at start; whoever forks one (the host, the local sweep
// pool, a cluster job) sets them.
export const WORKER_ENV = {
  /** Threads the backend computes on (a whole number >= 1). */
  threads: 'SELECTIVITY_LENS_THREADS',
  /** Backend for every run of this worker, over the config's own (a BackendName). */
  backend: 'SELECTIVITY_LENS_BACKEND',
  /** Folders (':' or ';' separated) holding node_modules with a native TensorFlow.js build. */
  nativeDir: 'SELECTIVITY_LENS_NATIVE_DIR',
  /** Folder the data sets that data.download fetches live in (default: the user's cache folder). */
  datasets: 'SELECTIVITY_LENS_DATASETS',
} as const;
