import { describe, expect, it } from 'vitest';
import { resolveModelConfig } from '../model/config.ts';
import { initWeights } from '../model/init.ts';
import { addSnapshot } from './average.ts';

describe('weight averaging', () => {
  const config = resolveModelConfig({ dim: 3, hidden: [4, 2], batchNorm: true });
  const a = initWeights(config, 5, 6, 3.5, 1);
  const b = initWeights(config, 5, 6, 2.5, 2);
  const c = initWeights(config, 5, 6, 4.0, 3);

  it('keeps the running mean of every array, biases, batch norm and mu included', () => {
    let avg = addSnapshot(undefined, a);
    expect(avg.count).toBe(1);
    expect(avg.weights.userEmb).not.toBe(a.userEmb); // a copy, not the snapshot itself
    avg = addSnapshot(avg, b);
    avg = addSnapshot(avg, c);
    expect(avg.count).toBe(3);
    expect(avg.weights.mu).toBeCloseTo((3.5 + 2.5 + 4.0) / 3, 6);
    const mean = (x: Float32Array, y: Float32Array, z: Float32Array) =>
      x.map((v, i) => (v + y[i]! + z[i]!) / 3);
    const close = (got: Float32Array, want: Float32Array) =>
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    close(avg.weights.userEmb, mean(a.userEmb, b.userEmb, c.userEmb));
    close(avg.weights.movieBias, mean(a.movieBias, b.movieBias, c.movieBias));
    close(avg.weights.hidden[1]!.W, mean(a.hidden[1]!.W, b.hidden[1]!.W, c.hidden[1]!.W));
    close(avg.weights.out.b, mean(a.out.b, b.out.b, c.out.b));
    const bn = (w: typeof a) => w.hidden[0]!.bn!.movingMean;
    close(bn(avg.weights), mean(bn(a), bn(b), bn(c)));
    // The snapshots themselves are untouched.
    expect(a.mu).toBe(3.5);
  });

  it('refuses a snapshot of another shape', () => {
    const other = initWeights(resolveModelConfig({ dim: 4, hidden: [4, 2] }), 5, 6, 3, 1);
    expect(() => addSnapshot(addSnapshot(undefined, a), other)).toThrow(/shapes/);
  });
});
