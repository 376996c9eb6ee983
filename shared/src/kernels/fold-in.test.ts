import { describe, expect, it } from 'vitest';
import { foldIn, foldInPriors, solveSpd, type FoldInPriors, type RateUsers } from './fold-in.ts';
import { mulberry32, randomFloats } from './prng.ts';

/** Solves A·x = b by Gauss–Jordan with partial pivoting (the brute-force reference; A is n × n, row-major). */
function gaussJordan(a: number[], b: number[], n: number): number[] {
  const m = Array.from({ length: n }, (_, i) => [...a.slice(i * n, (i + 1) * n), b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** A model whose rating is linear in the user: mu + b_user + b_movie + e_user · x_movie. */
function linearModel(
  x: Float32Array,
  movieBias: Float32Array,
  dim: number,
  mu: number,
): (userVecs: Float32Array, userBiases: Float32Array, movies: Int32Array) => Float32Array {
  return (userVecs, userBiases, movies) => {
    const n = movies.length;
    const out = new Float32Array(userBiases.length * n);
    for (let r = 0; r < userBiases.length; r++) {
      for (let i = 0; i < n; i++) {
        const m = movies[i] as number;
        let s = mu + (userBiases[r] as number) + (movieBias[m] as number);
        for (let k = 0; k < dim; k++) s += (userVecs[r * dim + k] as number) * (x[m * dim + k] as number);
        out[r * n + i] = s;
      }
    }
    return out;
  };
}

/** The MAP objective fold-in minimizes, in float64. */
function objective(
  rate: (e: number[], b: number) => number[],
  ratings: Float32Array,
  priors: FoldInPriors,
  e: number[],
  b: number,
  noise = 1,
): number {
  const f = rate(e, b);
  let s = 0;
  ratings.forEach((r, i) => (s += (r - (f[i] as number)) ** 2));
  for (const v of e) s += (noise / priors.embVariance) * v * v;
  return s + (noise / priors.biasVariance) * b * b;
}

describe('foldInPriors', () => {
  it('takes the mean squared embedding entry and the variance of the movie biases', () => {
    const p = foldInPriors(Float32Array.of(1, -1, 2, 0, 0, 3), Float32Array.of(0, 1, 2), 2);
    expect(p.dim).toBe(2);
    expect(p.embVariance).toBeCloseTo((1 + 1 + 4 + 9) / 6, 12);
    expect(p.biasVariance).toBeCloseTo(2 / 3, 6);
  });

  it('floors degenerate tables and rejects shapes that disagree', () => {
    const p = foldInPriors(new Float32Array(8), new Float32Array(4), 2);
    expect(p).toEqual({ dim: 2, embVariance: 1e-6, biasVariance: 1e-4 });
    expect(() => foldInPriors(new Float32Array(7), new Float32Array(4), 2)).toThrow(/expected \[4 × 2\]/);
    expect(() => foldInPriors(new Float32Array(0), new Float32Array(0), 0)).toThrow(/dimension >= 1/);
  });
});

describe('foldIn', () => {
  it('recovers the closed-form MAP solution when the rating is linear in the user (seeded grid)', async () => {
    const rand = mulberry32(13);
    for (const dim of [1, 3, 8]) {
      for (const n of [1, 3, 10, 40]) {
        for (const noise of [0.5, 1, 2]) {
          const numMovies = 50;
          const x = randomFloats(rand, numMovies * dim, -0.6, 0.6);
          const movieBias = randomFloats(rand, numMovies, -0.5, 0.5);
          const mu = 3.5;
          const priors = foldInPriors(x, movieBias, dim);
          const movies = Int32Array.from({ length: n }, (_, i) => (i * 7 + dim) % numMovies);
          const ratings = Float32Array.from({ length: n }, () => Math.round(1 + 4 * rand()));
          const fit = await foldIn(linearModel(x, movieBias, dim, mu), priors, movies, ratings, {
            noiseVariance: noise,
          });
          // Brute force: (AᵀA + Λ)θ = Aᵀ(r − mu − b_movie) with A = [X_rated, 1].
          const p = dim + 1;
          const ata = new Array<number>(p * p).fill(0);
          const atr = new Array<number>(p).fill(0);
          for (let i = 0; i < n; i++) {
            const m = movies[i] as number;
            const row = [...Array.from(x.subarray(m * dim, (m + 1) * dim)), 1];
            const target = (ratings[i] as number) - mu - (movieBias[m] as number);
            for (let j = 0; j < p; j++) {
              atr[j]! += row[j]! * target;
              for (let k = 0; k < p; k++) ata[j * p + k]! += row[j]! * row[k]!;
            }
          }
          for (let k = 0; k < dim; k++) ata[k * p + k]! += noise / priors.embVariance;
          ata[dim * p + dim]! += noise / priors.biasVariance;
          const theta = gaussJordan(ata, atr, p);
          const where = `dim ${dim}, n ${n}, noise ${noise}`;
          for (let k = 0; k < dim; k++) expect(fit.vec[k], where).toBeCloseTo(theta[k] as number, 3);
          expect(fit.bias, where).toBeCloseTo(theta[dim] as number, 3);
          expect(fit.evaluations).toBe(4);
          const predicted = linearModel(x, movieBias, dim, mu)(fit.vec, Float32Array.of(fit.bias), movies);
          let sse = 0;
          ratings.forEach((r, i) => (sse += (r - (predicted[i] as number)) ** 2));
          expect(fit.rmse, where).toBeCloseTo(Math.sqrt(sse / n), 4);
        }
      }
    }
  });

  it('reaches the minimum a grid search finds on a ReLU model', async () => {
    // dim 1: rating = mu + b + 1.5·relu(e·x_m + c_m) − 0.8·relu(−e·x_m), a piecewise-linear model like the MLP.
    const numMovies = 12;
    const rand = mulberry32(4);
    const x = randomFloats(rand, numMovies, -1, 1);
    const c = randomFloats(rand, numMovies, -0.3, 0.3);
    const movieBias = randomFloats(rand, numMovies, -0.4, 0.4);
    const mu = 3.2;
    const f = (e: number, b: number, m: number): number =>
      mu +
      b +
      (movieBias[m] as number) +
      1.5 * Math.max(0, e * (x[m] as number) + (c[m] as number)) -
      0.8 * Math.max(0, -e * (x[m] as number));
    const rate: RateUsers = (vecs, biases, movies) =>
      Float32Array.from({ length: biases.length * movies.length }, (_, j) => {
        const r = Math.floor(j / movies.length);
        return f(vecs[r] as number, biases[r] as number, movies[j % movies.length] as number);
      });
    const priors = foldInPriors(x, movieBias, 1);
    const movies = Int32Array.from({ length: 8 }, (_, i) => i + 2);
    const ratings = Float32Array.of(5, 4, 1, 2, 5, 3, 4, 1);
    const obj = (e: number, b: number) =>
      objective((ev, bv) => Array.from(movies, (m) => f(ev[0]!, bv, m)), ratings, priors, [e], b);
    let gridBest = Infinity;
    for (let e = -4; e <= 4; e += 0.01) {
      for (let b = -2; b <= 2; b += 0.01) gridBest = Math.min(gridBest, obj(e, b));
    }
    const fit = await foldIn(rate, priors, movies, ratings, { evaluations: 12 });
    const fitted = obj(fit.vec[0] as number, fit.bias);
    expect(fitted).toBeLessThanOrEqual(obj(0, 0));
    // The grid's step is 0.01: the fit may beat it slightly, never lose to it by more than rounding.
    expect(fitted).toBeLessThan(gridBest + 1e-3);
  });

  it('rates dim + 1 users per step, one on the last evaluation, and never ends worse than it started', async () => {
    // A saturating model: the first Gauss–Newton step from 0 overshoots into the flat region.
    const calls: number[] = [];
    const rate: RateUsers = (vecs, biases, movies) => {
      calls.push(biases.length);
      return Float32Array.from({ length: biases.length * movies.length }, (_, j) => {
        const r = Math.floor(j / movies.length);
        const e = vecs[r * 2] as number;
        return 3 + (biases[r] as number) + 2 * Math.tanh(4 * e);
      });
    };
    const priors: FoldInPriors = { dim: 2, embVariance: 100, biasVariance: 1e-4 };
    const movies = Int32Array.of(0, 1, 2);
    const ratings = Float32Array.of(4.9, 5, 4.95);
    const fit = await foldIn(rate, priors, movies, ratings, { evaluations: 6 });
    expect(calls).toEqual([3, 3, 3, 3, 3, 1]);
    expect(fit.evaluations).toBe(6);
    const start = ratings.reduce((s, r) => s + (r - 3) ** 2, 0);
    const e = fit.vec[0] as number;
    const end =
      ratings.reduce((s, r) => s + (r - 3 - fit.bias - 2 * Math.tanh(4 * e)) ** 2, 0) +
      (e * e + (fit.vec[1] as number) ** 2) / 100 +
      (fit.bias * fit.bias) / 1e-4;
    expect(end).toBeLessThan(start);
    expect(e).toBeGreaterThan(0);
  });

  it('gives the same fit whether the model answers synchronously or with a promise', async () => {
    const rand = mulberry32(8);
    const x = randomFloats(rand, 20 * 4, -1, 1);
    const bias = randomFloats(rand, 20);
    const sync = linearModel(x, bias, 4, 3);
    const priors = foldInPriors(x, bias, 4);
    const movies = Int32Array.of(3, 9, 1);
    const ratings = Float32Array.of(4, 2, 5);
    const a = await foldIn(sync, priors, movies, ratings);
    const b = await foldIn((v, u, m) => Promise.resolve(sync(v, u, m)), priors, movies, ratings);
    expect(b).toEqual(a);
  });

  it('rejects mismatched inputs, bad options and a model returning the wrong number of ratings', async () => {
    const priors: FoldInPriors = { dim: 2, embVariance: 1, biasVariance: 1 };
    const rate: RateUsers = (_v, u, m) => new Float32Array(u.length * m.length);
    await expect(foldIn(rate, priors, Int32Array.of(1, 2), Float32Array.of(3))).rejects.toThrow(
      /one rating per movie and at least one \(got 2 movies, 1 ratings\)/,
    );
    await expect(foldIn(rate, priors, new Int32Array(0), new Float32Array(0))).rejects.toThrow(RangeError);
    await expect(
      foldIn(rate, priors, Int32Array.of(1), Float32Array.of(3), { evaluations: 0 }),
    ).rejects.toThrow(/evaluations: expected a whole number >= 1 \(got 0\)/);
    await expect(
      foldIn(rate, priors, Int32Array.of(1), Float32Array.of(3), { noiseVariance: -1 }),
    ).rejects.toThrow(/noiseVariance/);
    await expect(
      foldIn(() => new Float32Array(2), priors, Int32Array.of(1), Float32Array.of(3)),
    ).rejects.toThrow(/expected 3 × 1 ratings from the model \(got 2\)/);
  });
});

describe('solveSpd', () => {
  it('matches Gauss–Jordan on random positive-definite systems', () => {
    const rand = mulberry32(3);
    for (const n of [1, 2, 5, 17]) {
      const m = randomFloats(rand, n * n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = i === j ? 0.5 : 0;
          for (let k = 0; k < n; k++) s += (m[i * n + k] as number) * (m[j * n + k] as number);
          a[i * n + j] = s;
        }
      }
      const b = Float64Array.from(randomFloats(rand, n));
      const x = solveSpd(a, b, n);
      const ref = gaussJordan(Array.from(a), Array.from(b), n);
      ref.forEach((v, i) => expect(x[i]).toBeCloseTo(v, 8));
    }
  });

  it('rejects a matrix that is not positive definite and shapes that disagree', () => {
    expect(() => solveSpd(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toThrow(
      /not positive definite/,
    );
    expect(() => solveSpd(new Float64Array(3), new Float64Array(2), 2)).toThrow(/expected A of 2 × 2/);
  });
});
