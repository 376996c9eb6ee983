import { describe, expect, it } from 'vitest';
import { measureApproximation } from './calibration.ts';
import type { ServingModel } from './serving-model.ts';

/** A model whose kernel's approximate pass returns fixed ratings (the real pass runs in workerd only). */
function modelApproximating(ratings: Float32Array): ServingModel {
  return { kernel: { approximate: () => ratings.slice() } } as unknown as ServingModel;
}

describe('measureApproximation', () => {
  const exact = Float32Array.from({ length: 40 }, (_, m) => 3 + Math.sin(m));
  const user = { vec: new Float32Array(4), bias: 0 };

  it('takes the largest difference over every movie as the error, and a margin above it', () => {
    const approx = exact.map((x, m) => x + (m === 17 ? 0.05 : 0.01));
    const measured = measureApproximation(modelApproximating(approx), [user], exact, exact.length)!;
    expect(measured.maxDiff).toBeCloseTo(0.05, 5);
    expect(measured.margin).toBeGreaterThan(measured.maxDiff);
    expect(measured.share).toBeGreaterThan(0);
  });

  it('gives up on a pass that produced NaN anywhere, not only at the last movie', () => {
    for (const at of [0, 17, 39]) {
      const approx = exact.slice();
      approx[at] = NaN;
      expect(measureApproximation(modelApproximating(approx), [user], exact, exact.length)).toBeUndefined();
    }
  });
});
