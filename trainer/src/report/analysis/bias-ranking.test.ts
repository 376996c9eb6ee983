import { describe, expect, it } from 'vitest';
import { biasExtremes } from './bias-ranking.ts';

describe('biasExtremes', () => {
  const biases = Float32Array.from([0.5, -1, 2, 0.1, -0.3, 3]);
  const counts = Int32Array.from([20, 50, 15, 10, 30, 2]);

  it('ranks the highest and lowest biases among well-rated entries', () => {
    const r = biasExtremes(biases, counts, 2, 10);
    expect(r.highest.map((e) => e.index)).toEqual([2, 0]); // 5 has the top bias but only 2 ratings
    expect(r.lowest.map((e) => e.index)).toEqual([1, 4]);
    expect(r.highest[0]).toEqual({ index: 2, bias: 2, count: 15 });
    expect(r.eligible).toBe(5);
    expect(r.minCount).toBe(10);
  });

  it('breaks ties by index and falls back to every rated entry when none qualifies', () => {
    const tie = biasExtremes(Float32Array.from([1, 1, 0]), Int32Array.from([1, 1, 0]), 3, 100);
    expect(tie.minCount).toBe(1);
    expect(tie.highest.map((e) => e.index)).toEqual([0, 1]);
    expect(tie.lowest.map((e) => e.index)).toEqual([0, 1]);
  });

  it('rejects misaligned arrays', () => {
    expect(() => biasExtremes(biases, new Int32Array(2), 1)).toThrow(/6 biases but 2 counts/);
  });
});
