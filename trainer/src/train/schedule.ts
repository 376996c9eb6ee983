/**
 * Learning-rate schedules, stepped once per epoch. Each is a pure function of a small JSON state, so a checkpoint
 * can carry it and a resumed run continues with exactly the same rates.
 */

export const LR_SCHEDULES = ['plateau', 'cosine', 'none'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

/** Reduce-on-plateau: halve the rate after this many epochs without a validation improvement. */
export const PLATEAU_PATIENCE = 2;
export const PLATEAU_FACTOR = 0.5;
/** The rate never falls below base × this (plateau) and ends at base × this (cosine). */
export const MIN_LR_RATIO = 0.01;
/** A validation RMSE counts as better only when it improves by more than this. */
export const MIN_IMPROVEMENT = 1e-4;

/** Schedule state carried between epochs. */
export interface ScheduleState {
  name: LrScheduleName;
  baseLr: number;
  /** Rate of the next epoch. */
  lr: number;
  /** Best validation RMSE seen (plateau). */
  best: number;
  /** Epochs since `best` improved (plateau). */
  stale: number;
}

/** The state before the first epoch. */
export function initialSchedule(name: LrScheduleName, baseLr: number): ScheduleState {
  return { name, baseLr, lr: baseLr, best: Infinity, stale: 0 };
}

/**
 * The state after an epoch.
 * @param epoch the epoch just finished, 1-based
 * @param maxEpochs the run's epoch limit (cosine anneals over it)
 * @param valRmse the validation RMSE of that epoch
 */
export function stepSchedule(
  s: ScheduleState,
  epoch: number,
  maxEpochs: number,
  valRmse: number,
): ScheduleState {
  const floor = s.baseLr * MIN_LR_RATIO;
  switch (s.name) {
    case 'none':
      return s;
    case 'cosine': {
      const progress = Math.min(1, epoch / Math.max(1, maxEpochs - 1));
      return { ...s, lr: floor + 0.5 * (s.baseLr - floor) * (1 + Math.cos(Math.PI * progress)) };
    }
    case 'plateau': {
      if (valRmse < s.best - MIN_IMPROVEMENT) return { ...s, best: valRmse, stale: 0 };
      const stale = s.stale + 1;
      if (stale < PLATEAU_PATIENCE) return { ...s, stale };
      return { ...s, stale: 0, lr: Math.max(floor, s.lr * PLATEAU_FACTOR) };
    }
  }
}
