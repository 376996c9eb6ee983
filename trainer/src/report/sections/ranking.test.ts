import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split/index.ts';
import { randomTable } from '../../../../tools/split-tables.ts';
import { DEFAULT_BUCKET_EDGES, residualTables } from '../../evaluate/residuals.ts';
import { countRows } from '../../evaluate/user-items.ts';
import { randomWeights } from '../../../../tools/random-weights.ts';
import { initPreference } from '../../model/init.ts';
import { renderSvg } from '../render/svg.ts';
import { reportContext } from './context.ts';
import { activityBuckets, coldStartFromMetrics, rankingAnalysis, rankingSection } from './ranking.ts';
import { DEFAULT_REPORT_OPTIONS, type ReportInputs } from './types.ts';

const NUM_USERS = 120;
const NUM_MOVIES = 50;

function inputs(metrics: Record<string, number>, preferenceIsPopularity = false): ReportInputs {
  const table = randomTable(7, NUM_USERS, NUM_MOVIES, 40);
  const split = randomSplit(table, 0.3, 2);
  const weights = randomWeights({
    arch: 'dcf',
    numUsers: NUM_USERS,
    numMovies: NUM_MOVIES,
    dim: 8,
    hidden: [16],
    seed: 3,
  });
  weights.mu = 3.5;
  // A preference head whose score is log(1 + training ratings) (no user term) when asked, else a random one.
  const pref = initPreference(weights.dim, countRows(table.movies, NUM_MOVIES, split.train));
  if (preferenceIsPopularity) pref.gate.fill(0);
  else pref.movieBias.forEach((_, m, b) => (b[m] = Math.sin(m)));
  weights.pref = pref;
  return { runName: 'runs/ranking', weights, history: [], metrics, table, split };
}

describe('activityBuckets', () => {
  it('labels and fills buckets as the residual tables do', () => {
    const counts = [0, 1, 4, 5, 9, 10, 19, 20, 49, 50, 99, 100, 199, 200, 499, 500, 999, 1000, 5000];
    const residual = residualTables(
      {
        predictions: new Float32Array(counts.length),
        truth: new Float32Array(counts.length),
        userActivity: Int32Array.from(counts),
        moviePopularity: new Int32Array(counts.length),
      },
      DEFAULT_BUCKET_EDGES,
    ).byUserActivity;
    const buckets = activityBuckets(DEFAULT_BUCKET_EDGES);
    expect(buckets.labels).toEqual(residual.map((r) => r.label));
    residual.forEach((row, b) => {
      expect(buckets.of(row.lo)).toBe(b);
      if (Number.isFinite(row.hi)) expect(buckets.of(row.hi)).toBe(b);
    });
  });
});

describe('rankingAnalysis', () => {
  it('ranks like popularity when the served blend is the popularity score, and groups every user once', () => {
    const plan = { 'ranking.candidates': 20, 'ranking.ratingWeight': 0 };
    const ctx = reportContext(inputs(plan, true));
    const a = rankingAnalysis(ctx, DEFAULT_REPORT_OPTIONS);
    expect(a.rankBy).toBe('blend');
    expect(a.users).toBeGreaterThan(20);
    expect(a.rows.reduce((s, r) => s + r.users, 0)).toBe(a.users);
    for (const r of a.rows) expect(r.model).toEqual(r.popularity);
    expect(Array.from(a.modelPercentiles)).toEqual(Array.from(a.popularityPercentiles));
    expect(a.modelMeanPct).toBeGreaterThan(60); // the most-rated movies, minus what each user has seen
  });

  it("differs from popularity when the model's preference does, and recommends less popular movies", () => {
    const ctx = reportContext(inputs({ 'ranking.candidates': 20, 'ranking.ratingWeight': 0.5 }));
    const a = rankingAnalysis(ctx, DEFAULT_REPORT_OPTIONS);
    expect(a.rows.some((r) => r.model.ndcg !== r.popularity.ndcg)).toBe(true);
    expect(a.modelMeanPct).toBeLessThan(a.popularityMeanPct);
    expect(a.modelPercentiles.length).toBe(a.users * 10);
    for (const v of a.modelPercentiles) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(100);
    }
  });
});

describe('coldStartFromMetrics', () => {
  it('reads the cold-start keys in order of revealed ratings, at the smallest cut-off', () => {
    const cold = coldStartFromMetrics({
      'test.rmse': 0.9,
      'test.coldstart.ndcg@10.n10': 0.3,
      'test.coldstart.ndcg@10.n1': 0.1,
      'baselines.popularity.coldstart.ndcg@10.n1': 0.12,
      'test.coldstart.ndcg@5.n3': 0.2,
      'test.coldstart.ndcg@5.n1': 0.05,
      'baselines.popularity.coldstart.ndcg@5.n1': 0.06,
      'test.coldstart.users': 42,
    });
    expect(cold).toEqual({
      k: 5,
      users: 42,
      points: [
        { revealed: 1, model: 0.05, popularity: 0.06 },
        { revealed: 3, model: 0.2, popularity: undefined },
      ],
    });
    expect(coldStartFromMetrics({ 'test.ndcg@10': 0.3 })).toBeUndefined();
  });
});

describe('rankingSection', () => {
  it('draws the cold-start chart only when metrics.json has cold-start results, and every chart renders', async () => {
    const without = rankingSection(
      reportContext(inputs({ 'ranking.candidates': 20, 'ranking.ratingWeight': 0.5 })),
      DEFAULT_REPORT_OPTIONS,
    );
    expect(without.figures.map((f) => f.id)).toEqual([
      'ranking-by-user-activity',
      'popularity-of-recommendations',
    ]);
    expect(without.html).toContain('No cold-start results in metrics.json');
    expect(without.html).toContain('By user activity');

    const withCold = rankingSection(
      reportContext(
        inputs({
          'ranking.candidates': 20,
          'ranking.ratingWeight': 0.5,
          'test.coldstart.ndcg@10.n1': 0.1,
          'test.coldstart.ndcg@10.n3': 0.15,
          'baselines.popularity.coldstart.ndcg@10.n1': 0.12,
          'baselines.popularity.coldstart.ndcg@10.n3': 0.12,
          'test.coldstart.users': 300,
        }),
      ),
      DEFAULT_REPORT_OPTIONS,
    );
    expect(withCold.figures.map((f) => f.id)).toEqual([
      'ranking-by-user-activity',
      'cold-start-ndcg',
      'popularity-of-recommendations',
    ]);
    expect(withCold.html).toMatch(/Cold start \(300 users\)/);
    for (const figure of withCold.figures) {
      const svg = await renderSvg(figure.spec, figure.id);
      expect(svg, figure.id).toMatch(/^<svg/);
      expect(svg.match(/<path|<rect/g)?.length ?? 0, figure.id).toBeGreaterThan(3);
    }
  });
});
