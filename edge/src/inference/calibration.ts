/**
 * Picks a version's ranking executor and strategy by measurement when it loads. First the SIMD kernel is checked
 * against onnxruntime-web on a sample of pairs (kernel-check.ts): ranking uses it only when they agree. Then a few
 * real users (spread over the id range) are scored against every movie by that executor; from that:
 *
 * * `spread`: the largest max − min over movies of g = rating − proxy among them, times SPREAD_MARGIN (the pruned
 *   strategy is exact for every user whose own spread is within it);
 * * the number of movies the pruned strategy would score for each of them to settle a top-10; when the median
 *   is below PRUNE_WORTHWHILE of the catalog, the version ranks `pruned`, else `exhaustive` (batches and the
 *   proxy sort cost more than they save when most movies have to be scored anyway);
 * * the pruned strategy's first batch: the upper quartile of those counts with SPREAD_MARGIN, so most users settle
 *   in one batch (one more batch costs a selection pass over the catalogue; a few extra movies cost little);
 * * with the kernel, `margin`: the largest |approximate − exact| rating of the kernel's int8 pass over every movie
 *   of the sample users, times QUANTIZED_MARGIN, and the candidates the quantized strategy would rate exactly for a
 *   top-10 (movies within 2·margin of the 10th best approximate rating).
 *
 * The strategy is the cheapest by counted work, in units of one exact movie rating: exhaustive 1 per movie, pruned
 * its median share (taken only below PRUNE_WORTHWHILE, as its batches and selections cost extra), quantized
 * APPROXIMATE_COST per movie plus its median candidates. Quantized is considered only when an exact pass over the
 * catalogue is large enough (MIN_QUANTIZED_WORK multiply-adds) for the saving to outweigh its fixed cost per
 * request (quantizing the layer's weights, a selection, a second kernel call).
 */
import { topK } from '../../../shared/src/kernels/top-k.ts';
import type { MovieCatalog } from '../artifacts/catalog.ts';
import { checkKernel, type KernelCheck } from './kernel-check.ts';
import { proxyScores } from './proxy.ts';
import { FIRST_BATCH, scoreMovies, type RankingPlan, type UserVector } from './ranking.ts';
import { kthLargest } from './select.ts';
import type { ServingModel } from './serving-model.ts';

/** Safety factor on the largest sampled spread. */
export const SPREAD_MARGIN = 1.25;
/** Pruning is used when it would score less than this share of the movies (median over the sample). */
export const PRUNE_WORTHWHILE = 0.35;
/** Users scored at load time. */
export const CALIBRATION_USERS = 8;
/** Safety factor on the largest sampled |approximate − exact| rating. */
export const QUANTIZED_MARGIN = 2;
/**
 * Cost of the approximate pass per movie relative to the exact pass: measured inside workerd with
 * edge/bench/kernel.ts (10k movies, 128-64-32), rounded up.
 */
export const APPROXIMATE_COST = 0.45;
/** Smallest exact pass (movies × multiply-adds per movie after the first layer) worth approximating. */
export const MIN_QUANTIZED_WORK = 10_000_000;

/** What calibration measured, reported by /v1/models. */
export interface Calibration extends RankingPlan {
  users: number;
  /** Median share of movies the pruned strategy would score for a top-10 (1 when not measured). */
  prunedShare: number;
  /** The kernel-versus-graph check that chose the executor. */
  kernelCheck: KernelCheck;
  /** Largest sampled |approximate − exact| rating of the int8 pass (null when not measured). */
  approximateMaxDiff: number | null;
  /** Median share of movies the quantized strategy would rate exactly for a top-10 (1 when not measured). */
  quantizedShare: number;
}

/** Movies visited in proxy order until the bound settles the top-`limit` (the pruned strategy's work). */
function moviesToSettle(exact: Float32Array, proxy: Float32Array, spread: number, limit: number): number {
  const order = topK(proxy, proxy.length).indices;
  const nth = topK(exact, limit).scores[limit - 1] as number;
  let gMin = Infinity;
  for (let n = 0; n < order.length; n++) {
    const m = order[n] as number;
    gMin = Math.min(gMin, (exact[m] as number) - (proxy[m] as number));
    const next = order[n + 1];
    if (next === undefined) return order.length;
    if (n + 1 >= limit && (proxy[next] as number) + gMin + spread < nth) return n + 1;
  }
  return order.length;
}

/**
 * Checks the kernel, measures the spread of g and chooses the executor and the strategy. A kernel that fails the
 * check is logged (console.warn) and left unused.
 * @param users sample users (their vectors and biases); with none, the plan is exhaustive
 */
export async function calibrate(
  model: ServingModel,
  catalog: MovieCatalog,
  arch: 'dcf' | 'hybrid',
  users: readonly UserVector[],
): Promise<Calibration> {
  const { numMovies } = catalog;
  const kernelCheck = await checkKernel(model, catalog, users);
  if (kernelCheck.problem !== undefined && model.kernel !== undefined) {
    console.warn(`ranking with onnxruntime-web, not the SIMD kernel: ${kernelCheck.problem}`);
  }
  const { executor } = kernelCheck;
  const u = users.length;
  if (u === 0 || numMovies <= 1)
    return {
      strategy: 'exhaustive',
      executor,
      spread: Infinity,
      firstBatch: FIRST_BATCH,
      margin: Infinity,
      users: 0,
      prunedShare: 1,
      kernelCheck,
      approximateMaxDiff: null,
      quantizedShare: 1,
    };
  const ratings = new Float32Array(u * numMovies);
  for (const [k, user] of users.entries())
    ratings.set(await scoreMovies({ catalog, model, plan: { executor } }, user, 'all'), k * numMovies);
  const proxies: Float32Array[] = [];
  let spread = 0;
  users.forEach((user, k) => {
    const proxy = proxyScores(catalog, arch, user.vec);
    proxies.push(proxy);
    let lo = Infinity;
    let hi = -Infinity;
    for (let m = 0; m < numMovies; m++) {
      const g = (ratings[k * numMovies + m] as number) - (proxy[m] as number);
      if (g < lo) lo = g;
      if (g > hi) hi = g;
    }
    spread = Math.max(spread, hi - lo);
  });
  spread *= SPREAD_MARGIN;
  const settle = users
    .map((_, k) =>
      moviesToSettle(
        ratings.subarray(k * numMovies, (k + 1) * numMovies),
        proxies[k] as Float32Array,
        spread,
        Math.min(10, numMovies),
      ),
    )
    .sort((a, b) => a - b);
  const prunedShare = (settle[settle.length >> 1] as number) / numMovies;
  const upperQuartile = settle[Math.floor((settle.length - 1) * 0.75)] as number;
  const firstBatch = Math.min(numMovies, Math.max(64, Math.ceil((upperQuartile * SPREAD_MARGIN) / 64) * 64));
  const quantized =
    executor === 'wasm-kernel' ? measureApproximation(model, users, ratings, numMovies) : undefined;
  const costs: [RankingPlan['strategy'], number][] = [['exhaustive', 1]];
  if (prunedShare < PRUNE_WORTHWHILE) costs.push(['pruned', prunedShare]);
  if (quantized !== undefined && numMovies * (model.kernel?.workPerMovie ?? 0) >= MIN_QUANTIZED_WORK) {
    costs.push(['quantized', APPROXIMATE_COST + quantized.share]);
  }
  const [strategy] = costs.reduce((best, c) => (c[1] < best[1] ? c : best));
  return {
    strategy,
    executor,
    spread,
    firstBatch,
    margin: quantized?.margin ?? Infinity,
    marginScale: quantized?.marginScale ?? 0,
    users: u,
    prunedShare,
    kernelCheck,
    approximateMaxDiff: quantized?.maxDiff ?? null,
    quantizedShare: quantized?.share ?? 1,
  };
}

/**
 * The int8 pass against the exact ratings of the sample users: the margin (largest |difference| ×
 * QUANTIZED_MARGIN) and the median share of movies within 2·margin of the 10th best approximate rating. Undefined
 * when there is no kernel or no user, or the pass fails (a NaN difference counts as a failure).
 * @param exact [users × numMovies] exact ratings by the kernel
 */
export function measureApproximation(
  model: ServingModel,
  users: readonly UserVector[],
  exact: Float32Array,
  numMovies: number,
): { margin: number; maxDiff: number; share: number; marginScale: number } | undefined {
  const { kernel } = model;
  if (kernel === undefined || users.length === 0) return undefined;
  const limit = Math.min(10, numMovies);
  const approx: Float32Array[] = [];
  let maxDiff = 0;
  // The largest error scale among the sample users: a request's margin grows with its own scale above this.
  let marginScale = 0;
  try {
    for (const [k, user] of users.entries()) {
      const a = kernel.approximate(user.vec, user.bias);
      if (kernel.approximationScale > marginScale) marginScale = kernel.approximationScale;
      approx.push(a);
      for (let m = 0; m < numMovies; m++) {
        const diff = Math.abs((a[m] as number) - (exact[k * numMovies + m] as number));
        if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Infinity : diff;
      }
    }
  } catch (err) {
    console.warn(`no quantized ranking: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (!Number.isFinite(maxDiff)) return undefined;
  const margin = maxDiff * QUANTIZED_MARGIN;
  const counts = approx
    .map((a) => {
      const threshold = kthLargest(a.slice(), limit) - 2 * margin;
      let c = 0;
      for (let m = 0; m < numMovies; m++) if ((a[m] as number) >= threshold) c++;
      return c;
    })
    .sort((x, y) => x - y);
  return { margin, maxDiff, share: (counts[counts.length >> 1] as number) / numMovies, marginScale };
}
