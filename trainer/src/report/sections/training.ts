/** Section "Training": loss, validation error and learning rate per epoch, from history.jsonl. */
import { trainingSeries } from '../analysis/training-series.ts';
import { epochLinesChart } from '../charts/training.ts';
import { escapeHtml } from '../render/html.ts';
import type { Figure, ReportInputs, Section } from './types.ts';

export function trainingSection(inputs: ReportInputs): Section {
  const series = trainingSeries(inputs.history);
  const figures: Figure[] = [];
  if (series.loss.length > 0) {
    figures.push({
      id: 'training-loss',
      title: 'Loss per epoch',
      caption: 'The training objective after each epoch (and the validation loss when recorded).',
      spec: epochLinesChart(series.loss, 'loss'),
    });
  }
  if (series.error.length > 0) {
    figures.push({
      id: 'validation-error',
      title: 'Validation RMSE and MAE per epoch',
      caption:
        'Rating error on held-out ratings after each epoch: a rising curve while the loss still falls means overfitting.',
      spec: epochLinesChart(series.error, 'error (rating points)'),
    });
  }
  if (series.learningRate.length > 0) {
    const values = series.learningRate.map((p) => p.value).filter((v) => v > 0);
    // A log axis shows decay schedules spanning decades; a constant rate reads better on a linear one.
    const spread = values.length > 0 ? Math.max(...values) / Math.min(...values) : 1;
    figures.push({
      id: 'learning-rate',
      title: 'Learning rate per epoch',
      caption: 'The optimiser step size used in each epoch (schedule and warm-up).',
      spec: epochLinesChart(series.learningRate, 'learning rate', spread > 20),
    });
  }
  const epochs = inputs.history.length;
  return {
    id: 'training',
    title: 'Training',
    intro:
      epochs > 0
        ? `${epochs} epoch${epochs === 1 ? '' : 's'} recorded in history.jsonl.`
        : 'The run has no training history (history.jsonl is empty or missing).',
    figures,
    ...(figures.length === 0 && epochs > 0
      ? {
          html: `<p class="note">${escapeHtml('No loss, error or learning-rate fields were recognised in the history records.')}</p>`,
        }
      : {}),
  };
}
