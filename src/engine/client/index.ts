// The engine's client side, for whoever runs engine processes (the extension host, the local sweep pool, a
// cluster executor): fork a worker, run one job in it, find the entry points. Forks only; no tfjs here.
export { EngineRun, type EngineRunOptions, type EngineRunOutcome, type EngineRunPhase, type RunJob } from './engineRun';
export { WorkerProcess, workerExecArgv, type WorkerExit, type WorkerProcessOptions } from './workerProcess';
export { cliPath, engineWorkerPath, sweepProcessPath } from './workerPaths';
export { queryGpu } from './gpuQuery';
export { AnalysisJob, analysisArgs, parseAnalysisLine, failureMessage, type AnalysisRequest, type RunAnalysisRequest, type SweepAnalysisRequest, type AnalysisJobOptions, type AnalysisOutcome } from './analysisJob';
