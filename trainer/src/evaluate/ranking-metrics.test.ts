import { describe, expect, it } from 'vitest';
import { listMetrics } from './ranking-metrics.ts';

function mask(n: number, relevant: number[]): Uint8Array {
  const m = new Uint8Array(n);
  for (const i of relevant) m[i] = 1;
  return m;
}

describe('listMetrics', () => {
  it('matches a hand computation with hits at ranks 2 and 4 of 5 and one relevant movie missed', () => {
    // Relevant: 11, 13 (ranked 2nd and 4th) and 19 (not ranked).
    const m = listMetrics([10, 11, 12, 13, 14], mask(20, [11, 13, 19]), 3, 5);
    expect(m.precision).toBeCloseTo(2 / 5, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    // DCG = 1/log2(3) + 1/log2(5) = 1.0616063; IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309298.
    expect(m.ndcg).toBeCloseTo(1.0616063 / 2.1309298, 6);
    // AP@5 = (1/2 + 2/4) / min(3, 5).
    expect(m.ap).toBeCloseTo(1 / 3, 12);
    expect(m.hit).toBe(1);
  });

  it('scores a perfect list 1 and a list without hits 0', () => {
    const perfect = listMetrics([3, 1, 2], mask(5, [1, 2, 3]), 3, 3);
    expect(perfect).toEqual({ precision: 1, recall: 1, ndcg: 1, ap: 1, hit: 1 });
    expect(listMetrics([0, 4], mask(5, [1]), 1, 2)).toEqual({
      precision: 0,
      recall: 0,
      ndcg: 0,
      ap: 0,
      hit: 0,
    });
  });

  it('caps the ideal list at k and divides precision by k for short lists', () => {
    // 4 relevant, k = 2, both ranked movies relevant: NDCG and AP are 1, recall is 2/4.
    const full = listMetrics([0, 1], mask(6, [0, 1, 2, 3]), 4, 2);
    expect(full.ndcg).toBeCloseTo(1, 12);
    expect(full.ap).toBeCloseTo(1, 12);
    expect(full.recall).toBe(0.5);
    // Only one movie could be ranked with k = 3: precision 1/3.
    const short = listMetrics([2], mask(3, [2]), 1, 3);
    expect(short.precision).toBeCloseTo(1 / 3, 12);
    expect(short.ndcg).toBe(1);
  });

  it('gives a hit at rank 1 more NDCG than a hit at rank 3', () => {
    const first = listMetrics([7, 8, 9], mask(10, [7]), 1, 3);
    const third = listMetrics([8, 9, 7], mask(10, [7]), 1, 3);
    expect(first.ndcg).toBe(1);
    expect(third.ndcg).toBeCloseTo(0.5, 12); // 1/log2(4)
    expect(third.ap).toBeCloseTo(1 / 3, 12);
  });

  it('rejects bad arguments', () => {
    expect(() => listMetrics([1], mask(3, [1]), 1, 0)).toThrow(/k must be/);
    expect(() => listMetrics([1], mask(3, []), 0, 1)).toThrow(/numRelevant/);
    expect(() => listMetrics([1, 2], mask(3, [1]), 1, 1)).toThrow(/longer than k/);
  });
});
