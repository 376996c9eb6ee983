// The quantized strategy's selection logic in plain JS, with a stand-in kernel whose approximate ratings are the
// exact ones plus chosen errors (the real int8 pass runs in workerd only: quantized.test.ts).
import { describe, expect, it } from 'vitest';
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { rankMovies, type RankingContext } from './ranking.ts';
import type { ServingModel } from './serving-model.ts';

const N = 200;
const exact = Float32Array.from({ length: N }, (_, m) => 3 + Math.sin(m * 1.7) + m * 1e-4);
const best = topK(exact, 10).indices;

/** A context whose kernel's approximate pass is `exact + error`, and whose user has error scale `scale`. */
function contextWith(error: Float32Array, scale: number): RankingContext {
  const kernel = {
    approximationScale: 0,
    score: (_v: Float32Array, _b: number, movies?: Int32Array) =>
      movies === undefined ? exact.slice() : Float32Array.from(movies, (m) => exact[m]!),
    approximate(_v: Float32Array, _b: number, movies?: Int32Array) {
      this.approximationScale = scale;
      const all = exact.map((x, m) => x + error[m]!);
      return movies === undefined ? all : Float32Array.from(movies, (m) => all[m]!);
    },
  };
  return {
    catalog: { numMovies: N, dim: 2, genres: new Uint32Array(N) } as unknown as MovieCatalog,
    model: { kernel } as unknown as ServingModel,
    arch: 'dcf',
    plan: { strategy: 'quantized', executor: 'wasm-kernel', spread: Infinity, margin: 0.01, marginScale: 1 },
  };
}
const user = { vec: new Float32Array(2), bias: 0 };

describe('quantized ranking', () => {
  it('returns the exact top-N when every error is within the margin', async () => {
    const error = Float32Array.from({ length: N }, (_, m) => 0.01 * Math.cos(m));
    const ranked = await rankMovies(contextWith(error, 1), user, { limit: 10 });
    expect(ranked.strategy).toBe('quantized');
    expect(Array.from(ranked.indices)).toEqual(Array.from(best));
    expect(ranked.scored).toBeLessThan(N);
  });

  it('widens the margin for a user whose error scale exceeds the calibration users’', async () => {
    // The best movie's approximation is 0.08 too low: 8 calibrated margins, out of the candidates at scale 1.
    const error = new Float32Array(N);
    error[best[0]!] = -0.08;
    const unscaled = await rankMovies(contextWith(error, 1), user, { limit: 10 });
    expect(Array.from(unscaled.indices)).not.toContain(best[0]);
    // The same error for a user with 10× the error scale: the margin grows to 0.1 and the top-10 is exact.
    const scaled = await rankMovies(contextWith(error, 10), user, { limit: 10 });
    expect(scaled.strategy).toBe('quantized');
    expect(Array.from(scaled.indices)).toEqual(Array.from(best));
    expect(Array.from(scaled.ratings)).toEqual(Array.from(best, (m) => exact[m]!));
  });

  it('falls back to exhaustive when a candidate is off by more than the margin', async () => {
    const error = new Float32Array(N);
    error[best[3]!] = 0.05;
    const ranked = await rankMovies(contextWith(error, 1), user, { limit: 10 });
    expect(ranked.strategy).toBe('exhaustive');
    expect(Array.from(ranked.indices)).toEqual(Array.from(best));
  });
});
