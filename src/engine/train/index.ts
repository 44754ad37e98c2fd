// Training: one step, the epoch loop, checkpoints, and whole runs (start, resume, analyse).
export { startRun, resumeRun, checkedConfig, type SessionEnv, type StartRunRequest } from './session';
export { analyzeModel, resolveModelPath, type AnalyzeRequest } from './analyzeModel';
export { evaluateAndAnalyze } from './heldOutAnalysis';
export { loadData } from './session';
export { trainEpochs, type TrainingContext, type TrainingOutcome } from './loop';
export { TrainStep, clipByGlobalNorm, type TrainSums } from './trainStep';
export { evaluate, type Evaluation } from './evaluate';
export { learningRateAt } from './lrSchedule';
export { saveCheckpoint, loadLatestCheckpoint, checkpointName, type TrainerState } from './checkpoint';
