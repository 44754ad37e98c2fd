// Run and sweep folders on disk (layouts: RUN_FILES in src/protocol/runStore.ts, SWEEP_FILES in
// src/protocol/sweep.ts). Plain fs, no tfjs: the host may import it.
export { RunWriter, slimEvent } from './runWriter';
export { createRunDir, holdsRun, ensureWritableDir, acquireRunLock, releaseRunLock } from './runFolder';
export { readRun, readRunSummary, readRunLabel, readSelectivity, readLayerSelectivity, readUnitHistograms, readMetrics, readSelectivityIndex, readJsonLines, listRuns, latestCheckpointName } from './readers';
export type { RunRecord, SelectivityRecord, ReadWarning } from './readers';
export { writeRunLabel } from './labelFile';
export { reconcileRunFolder } from './reconcile';
export { crashPoint, CRASH_AT_ENV, type CrashPoint } from './crashHook';
export { encodeSelectivity, decodeSelectivity, epochFileName } from './selectivityFile';
export { writeFileAtomic, writeJsonAtomic, writeJsonAtomicSync, writeFileAtomicSync } from './atomicFile';
export {
  readSweepIndex,
  writeSweepIndex,
  readStoredSweepConfig,
  hasCheckpoint,
  clearUnstartedRun,
  waitForRunLock,
  acquireSweepLock,
  isSweepDriven,
  type StoredSweepConfig,
} from './sweepFolder';
export { writeAnalysis, readAnalyses, analysisFile, type RunAnalyses } from './analysisFiles';
