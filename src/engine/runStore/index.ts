// Run folders on disk (layout: src/protocol/runStore.ts RUN_FILES). Plain fs, no tfjs: the host may import it.
export { RunWriter, slimEvent } from './runWriter';
export { createRunDir, holdsRun, ensureWritableDir, acquireRunLock, releaseRunLock } from './runFolder';
export { readRun, readSelectivity, readMetrics, readSelectivityIndex, readJsonLines, listRuns, latestCheckpointName } from './readers';
export type { RunRecord, SelectivityRecord } from './readers';
export { encodeSelectivity, decodeSelectivity, epochFileName } from './selectivityFile';
export { writeFileAtomic, writeJsonAtomic } from './atomicFile';
