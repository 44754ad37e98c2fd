// The compiled entry points a client forks, found from the package root, so the host, the sweep pool and tests
// start the same files whether they run from out/, the packaged extension or an npm install.
import * as path from 'node:path';
import { packageRoot } from '../packageRoot';

/** The engine worker: trains and analyses runs, speaking EngineCommand / EngineEvent over IPC. */
export function engineWorkerPath(): string {
  return path.join(packageRoot(), 'out', 'src', 'engine', 'worker.js');
}

/** The sweep driver: runs a sweep's points on engine workers, speaking SweepCommand / SweepProcessEvent. */
export function sweepProcessPath(): string {
  return path.join(packageRoot(), 'out', 'src', 'engine', 'sweep', 'sweepProcess.js');
}

/** The command line (`selectivity-lens`), for one-shot queries such as `gpu --json`. */
export function cliPath(): string {
  return path.join(packageRoot(), 'out', 'src', 'cli.js');
}
