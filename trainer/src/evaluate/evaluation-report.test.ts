import { describe, expect, it } from 'vitest';
import { evaluateModel } from './evaluate.ts';
import { describeRankedUsers, evaluationDocument, evaluationMetrics } from './evaluation-report.ts';
import { splitOf, tinyTable } from '../../../tools/evaluation-data.ts';
import type { RatingModel } from './types.ts';

function constantModel(name: string, value: number): RatingModel {
  return {
    name,
    predict: (users) => new Float32Array(users.length).fill(value),
    scoreAll: (_user, out) => {
      out.fill(value);
    },
  };
}

describe('evaluation report', () => {
  const table = tinyTable(
    [
      [0, 0, 5],
      [1, 1, 2],
      [0, 1, 4],
      [1, 0, 5],
    ],
    2,
    2,
  );
  const split = splitOf([0, 1], [2, 3]);
  const model = evaluateModel(constantModel('model', 4), table, split);
  const mean = evaluateModel(constantModel('global-mean', 3.5), table, split);

  it('keys the model under test.* and each baseline under baselines.<name>.*', () => {
    const metrics = evaluationMetrics(model, [mean]);
    expect(metrics['test.rmse']).toBeCloseTo(Math.sqrt(0.5), 6);
    expect(metrics['baselines.global-mean.rmse']).toBeCloseTo(Math.sqrt((0.25 + 2.25) / 2), 6);
    expect(metrics['baselines.global-mean.ndcg@10']).toBe(1); // each user's only candidate is relevant
    expect(Object.keys(metrics).filter((k) => k.startsWith('test.'))).toContain('test.coverage@10');
  });

  it('documents the ranked users and keeps every model with its residuals', () => {
    const doc = evaluationDocument([model, mean], 'explicit', ['a note'], new Date(0));
    expect(doc).toMatchObject({
      createdAt: '1970-01-01T00:00:00.000Z',
      testRatings: 2,
      k: 10,
      notes: ['a note'],
    });
    expect(doc.models.map((m) => m.model)).toEqual(['model', 'global-mean']);
    expect(doc.models[0]?.residuals.byRating.length).toBe(2);
    expect(describeRankedUsers(model)).toBe('all 2 test users with a rating >= 4');
    expect(JSON.parse(JSON.stringify(doc)).models[1].model).toBe('global-mean');
  });
});
