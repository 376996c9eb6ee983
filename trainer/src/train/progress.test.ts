import { describe, expect, it } from 'vitest';
import { formatEpochLine, formatRate } from './progress.ts';

describe('training progress lines', () => {
  const record = {
    epoch: 4,
    trainLoss: 0.81234,
    valRmse: 0.91,
    valMae: 0.74,
    lr: 0.005,
    samplesPerSec: 43_900,
    seconds: 19.04,
  };

  it('prints loss, validation, rate and time, and marks the best epoch', () => {
    const line = formatEpochLine(record, 40, true);
    expect(line).toBe(
      'epoch 4/40  loss 0.8123  val RMSE 0.9100 *  val MAE 0.7400  lr 0.00500  43.9k ratings/s  19.0 s',
    );
    expect(formatEpochLine(record, 40, false)).not.toContain('*');
    expect(formatRate(950)).toBe('950');
  });

  it('says when the validated model is a weight average, and of how many snapshots', () => {
    expect(formatEpochLine({ ...record, averaged: 8 }, 40, true)).toMatch(/\(average of 8 snapshots\)$/);
  });
});
