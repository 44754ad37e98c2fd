// Learning rate as a function of training progress: optional linear warm-up, then constant, step or cosine.
import type { LrScheduleConfig } from '../../protocol/config';

/**
 * `progress` is in epochs, fractional within an epoch (0 = start of training, e.g. 2.5 = half-way through the
 * third epoch). Step milestones are 1-based epochs at which the new rate starts.
 */
export function learningRateAt(base: number, schedule: LrScheduleConfig | undefined, epochs: number, progress: number): number {
  const warmup = schedule?.warmupEpochs ?? 0;
  if (warmup > 0 && progress < warmup) return (base * Math.max(progress, 1e-3)) / warmup;
  switch (schedule?.type ?? 'constant') {
    case 'step': {
      const epochNumber = Math.floor(progress) + 1;
      const passed = (schedule?.milestones ?? []).filter((m) => epochNumber >= m).length;
      return base * Math.pow(schedule?.gamma ?? 0.1, passed);
    }
    case 'cosine': {
      const span = Math.max(1e-9, epochs - warmup);
      const t = Math.min(1, Math.max(0, (progress - warmup) / span));
      return base * 0.5 * (1 + Math.cos(Math.PI * t));
    }
    case 'constant':
      return base;
  }
}
