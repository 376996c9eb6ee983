import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../../../shared/src/errors.ts';
import { mulberry32, randomFloats } from '../../../shared/src/kernels/prng.ts';
import { predictReference } from './reference.ts';
import { predictPairs, prepareScorer, scoreAllMovies } from './scoring.ts';
import type { Arch, DenseWeights, ModelWeights } from './weights.ts';

/** Floats drawn uniformly from offset ± scale. */
function randomArray(random: () => number, n: number, scale = 1, offset = 0): Float32Array {
  return randomFloats(random, n, offset - scale, offset + scale);
}

function randomWeights(random: () => number, arch: Arch, hidden: number[], batchNorm: boolean): ModelWeights {
  const dim = 6;
  const numUsers = 9;
  const numMovies = 23;
  const dense = (inSize: number, outSize: number, bn: boolean): DenseWeights => ({
    inSize,
    outSize,
    W: randomArray(random, inSize * outSize, 0.6),
    b: randomArray(random, outSize, 0.2),
    ...(bn
      ? {
          bn: {
            gamma: randomArray(random, outSize, 0.5, 1),
            beta: randomArray(random, outSize, 0.3),
            movingMean: randomArray(random, outSize, 0.5),
            movingVariance: randomArray(random, outSize, 0.4, 1),
            epsilon: 1e-3,
          },
        }
      : {}),
  });
  const layers: DenseWeights[] = [];
  let inSize = 2 * dim;
  for (const size of hidden) {
    layers.push(dense(inSize, size, batchNorm));
    inSize = size;
  }
  return {
    arch,
    dim,
    numUsers,
    numMovies,
    mu: 3.5,
    userEmb: randomArray(random, numUsers * dim),
    movieEmb: randomArray(random, numMovies * dim),
    userBias: randomArray(random, numUsers, 0.5),
    movieBias: randomArray(random, numMovies, 0.5),
    hidden: layers,
    out: dense(inSize, 1, false),
  };
}

describe('scoring', () => {
  const random = mulberry32(2024);
  for (const arch of ['dcf', 'hybrid'] as const) {
    for (const batchNorm of [false, true]) {
      for (const hidden of [[16, 8, 4], [5], []]) {
        it(`equals predictReference (${arch}, batch norm ${batchNorm}, hidden [${hidden.join(',')}])`, () => {
          const w = randomWeights(random, arch, hidden, batchNorm);
          const scorer = prepareScorer(w);
          const out = new Float32Array(w.numMovies);
          const allMovies = Int32Array.from({ length: w.numMovies }, (_, m) => m);
          for (let u = 0; u < w.numUsers; u++) {
            scoreAllMovies(scorer, u, out);
            const ref = predictReference(w, new Int32Array(w.numMovies).fill(u), allMovies);
            for (let m = 0; m < w.numMovies; m++)
              expect(Math.abs((out[m] as number) - (ref[m] as number))).toBeLessThan(1e-4);
          }
          const n = 200;
          const users = Int32Array.from({ length: n }, () => Math.floor(random() * w.numUsers));
          const movies = Int32Array.from({ length: n }, () => Math.floor(random() * w.numMovies));
          // Runs of the same user exercise the cached user half.
          users.fill(3, 10, 20);
          const got = predictPairs(scorer, users, movies);
          const ref = predictReference(w, users, movies);
          for (let p = 0; p < n; p++)
            expect(Math.abs((got[p] as number) - (ref[p] as number))).toBeLessThan(1e-4);
        });
      }
    }
  }

  it('rejects bad indices, lengths and inconsistent weights', () => {
    const w = randomWeights(mulberry32(1), 'dcf', [4], true);
    const scorer = prepareScorer(w);
    expect(() => scoreAllMovies(scorer, w.numUsers, new Float32Array(w.numMovies))).toThrow(
      /user index 9 out of range/,
    );
    expect(() => scoreAllMovies(scorer, 0, new Float32Array(3))).toThrow(/expected 23 \(got 3\)/);
    expect(() => predictPairs(scorer, Int32Array.from([0]), Int32Array.from([99]))).toThrow(/movie index 99/);
    expect(() => predictPairs(scorer, Int32Array.from([0]), new Int32Array(2))).toThrow(/same length/);
    expect(() => prepareScorer({ ...w, movieBias: new Float32Array(2) })).toThrow(
      /movieBias: expected 23 floats \(numMovies\), got 2/,
    );
    const badLayer = { ...(w.hidden[0] as DenseWeights), inSize: 5 };
    expect(() => prepareScorer({ ...w, hidden: [badLayer] })).toThrow(ArtifactError);
    expect(() => prepareScorer({ ...w, hidden: [badLayer] })).toThrow(
      /hidden\[0\]\.inSize: expected 12 \(got 5\)/,
    );
  });
});
