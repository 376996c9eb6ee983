import { describe, expect, it } from 'vitest';
import { classifyHistoryKey, trainingSeries } from './training-series.ts';

describe('classifyHistoryKey', () => {
  it('recognises the trainer’s history fields and common spellings', () => {
    expect(classifyHistoryKey('trainLoss')).toEqual({ panel: 'loss', series: 'train loss' });
    expect(classifyHistoryKey('valRmse')).toEqual({ panel: 'error', series: 'validation RMSE' });
    expect(classifyHistoryKey('valMae')).toEqual({ panel: 'error', series: 'validation MAE' });
    expect(classifyHistoryKey('lr')).toEqual({ panel: 'learningRate', series: 'learning rate' });
    expect(classifyHistoryKey('learning_rate')?.panel).toBe('learningRate');
    expect(classifyHistoryKey('val_loss')).toEqual({ panel: 'loss', series: 'validation loss' });
    expect(classifyHistoryKey('validation.rmse')).toEqual({ panel: 'error', series: 'validation RMSE' });
    expect(classifyHistoryKey('train_rmse')).toEqual({ panel: 'error', series: 'train RMSE' });
    expect(classifyHistoryKey('samplesPerSec')).toBeUndefined();
    expect(classifyHistoryKey('seconds')).toBeUndefined();
  });
});

describe('trainingSeries', () => {
  it('splits history records into the three panels', () => {
    const history = [
      { epoch: 1, trainLoss: 1.5, valRmse: 1.1, valMae: 0.9, lr: 0.01, samplesPerSec: 5e4, seconds: 2 },
      { epoch: 2, trainLoss: 0.9, valRmse: 0.95, valMae: 0.8, lr: 0.005, samplesPerSec: 5e4, seconds: 2 },
    ];
    const s = trainingSeries(history);
    expect(s.loss).toEqual([
      { epoch: 1, series: 'train loss', value: 1.5 },
      { epoch: 2, series: 'train loss', value: 0.9 },
    ]);
    expect(s.error.map((p) => `${p.epoch}:${p.series}`)).toEqual([
      '1:validation RMSE',
      '1:validation MAE',
      '2:validation RMSE',
      '2:validation MAE',
    ]);
    expect(s.learningRate.map((p) => p.value)).toEqual([0.01, 0.005]);
  });

  it('numbers records without an epoch by position and skips non-numbers', () => {
    const s = trainingSeries([
      { loss: 2, note: 'x' },
      { loss: 1, lr: null },
    ]);
    expect(s.loss.map((p) => p.epoch)).toEqual([1, 2]);
    expect(s.learningRate).toEqual([]);
  });
});
