// Public API of the data room.
export { loadDataset, type LoadDatasetOptions } from './loadDataset';
export {
  trainBatches,
  testBatches,
  orderedBatches,
  trainBatchCount,
  testBatchCount,
  defaultAugment,
  type AugmentOptions,
  type TrainBatchOptions,
} from './batches';
export { channelStats } from './normalize';
export { seededRandom, mixSeed, permutation } from './random';
