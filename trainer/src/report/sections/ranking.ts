/**
 * Section "Ranking": top-k quality by user activity (training ratings per user, the residual tables' buckets),
 * cold-start quality by number of revealed ratings (from metrics.json, written by `marquee evaluate`), and the
 * popularity of what is recommended — the model as it serves (two-stage with the run's plan when it has one)
 * next to the popularity baseline.
 */
import { topK } from '../../../../shared/src/kernels/top-k.ts';
import { defaultRankBy } from '../../evaluate/deep-model.ts';
import { EVALUATION_DEFAULTS } from '../../evaluate/evaluate.ts';
import { popularityPercentiles, PopularityTally } from '../../evaluate/popularity-bias.ts';
import { listMetrics } from '../../evaluate/ranking-metrics.ts';
import { DEFAULT_BUCKET_EDGES } from '../../evaluate/residuals.ts';
import { itemsOf, sortedHas, userItems } from '../../evaluate/user-items.ts';
import { Ranker } from '../../model/ranker.ts';
import { planFromMetrics } from '../../train/metrics.ts';
import { REPORT_STREAM, sampleIndices } from '../analysis/sample.ts';
import {
  activityMetricsChart,
  coldStartChart,
  popularityDistributionChart,
  type ActivityBar,
  type PopularityBin,
} from '../charts/ranking.ts';
import { count, fmt, htmlTable } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { Figure, ReportOptions, Section } from './types.ts';

/** Test users ranked at most (a seeded sample), and the cut-off of the lists. */
export const RANKING_USERS = 500;
const K = 10;
/** Width of the popularity-percentile bins. */
const PERCENTILE_BIN = 10;

/** Ranking quality of the users of one activity bucket. */
export interface ActivityRow {
  /** e.g. "10–19", as in the residual tables. */
  label: string;
  users: number;
  model: { ndcg: number; recall: number };
  popularity: { ndcg: number; recall: number };
}

export interface RankingAnalysis {
  k: number;
  /** How the model ranked: blend (two-stage), preference or rating. */
  rankBy: string;
  /** Users ranked, and how many were eligible (a test rating ≥ the threshold on a movie unrated in training). */
  users: number;
  eligibleUsers: number;
  /** Non-empty buckets, by activity. */
  rows: ActivityRow[];
  /** Popularity percentile of every recommended movie, per ranker, and the mean over users of their list's mean. */
  modelPercentiles: Float32Array;
  popularityPercentiles: Float32Array;
  modelMeanPct: number;
  popularityMeanPct: number;
}

/** Count buckets with lower edges 0, ...edges, labelled like the residual tables ("0", "1–4", ..., "1000+"). */
export function activityBuckets(edges: readonly number[]): { labels: string[]; of: (n: number) => number } {
  const bounds = [0, ...edges];
  const labels = bounds.map((lo, b) => {
    const next = bounds[b + 1];
    if (next === undefined) return `${lo}+`;
    return lo === next - 1 ? `${lo}` : `${lo}–${next - 1}`;
  });
  const of = (n: number): number => {
    let b = 0;
    while (b + 1 < bounds.length && n >= (bounds[b + 1] as number)) b++;
    return b;
  };
  return { labels, of };
}

/**
 * Ranks a seeded sample of test users with the model as it serves and with popularity, and groups NDCG@k and
 * recall@k by the users' training ratings (evaluation's protocol: the training movies excluded, test ratings
 * ≥ the relevance threshold relevant).
 * @throws RangeError when metrics.json records an invalid two-stage plan
 */
export function rankingAnalysis(ctx: ReportContext, options: ReportOptions, k = K): RankingAnalysis {
  const { weights: w, table, split, metrics } = ctx.inputs;
  const plan = planFromMetrics(metrics);
  const rankBy = defaultRankBy(w, plan);
  const ranker = new Ranker(ctx.scorer, rankBy, plan);
  const threshold = EVALUATION_DEFAULTS.relevantThreshold;
  const seen = userItems(table, split.train);
  const relevant = userItems(table, split.test, (r) => r >= threshold);
  const eligible: number[] = [];
  for (let u = 0; u < w.numUsers; u++) {
    const own = itemsOf(seen, u);
    if (itemsOf(relevant, u).some((m) => !sortedHas(own, m))) eligible.push(u);
  }
  const picked = sampleIndices(eligible.length, RANKING_USERS, options.seed, REPORT_STREAM.users + 20);
  const buckets = activityBuckets(DEFAULT_BUCKET_EDGES);
  const sums = buckets.labels.map(() => ({ users: 0, ndcg: 0, recall: 0, popNdcg: 0, popRecall: 0 }));
  const percentiles = popularityPercentiles(ctx.movieCounts);
  const modelTally = new PopularityTally(percentiles);
  const popularityTally = new PopularityTally(percentiles);
  const popularity = Float32Array.from(ctx.movieCounts);
  const isRelevant = new Uint8Array(w.numMovies);
  for (const i of picked) {
    const u = eligible[i] as number;
    const own = itemsOf(seen, u);
    const rel = itemsOf(relevant, u).filter((m) => !sortedHas(own, m));
    let numRelevant = 0;
    for (const m of rel) {
      if (isRelevant[m] === 0) numRelevant++;
      isRelevant[m] = 1;
    }
    const top = ranker.rank(u, k, own).movies;
    const popular = topK(popularity, k, { sorted: own }).indices;
    const mine = listMetrics(top, isRelevant, numRelevant, k);
    const theirs = listMetrics(popular, isRelevant, numRelevant, k);
    const s = sums[buckets.of(ctx.userCounts[u] as number)]!;
    s.users++;
    s.ndcg += mine.ndcg;
    s.recall += mine.recall;
    s.popNdcg += theirs.ndcg;
    s.popRecall += theirs.recall;
    modelTally.add(top);
    popularityTally.add(popular);
    for (const m of rel) isRelevant[m] = 0;
  }
  const rows: ActivityRow[] = [];
  sums.forEach((s, b) => {
    if (s.users === 0) return;
    rows.push({
      label: buckets.labels[b] as string,
      users: s.users,
      model: { ndcg: s.ndcg / s.users, recall: s.recall / s.users },
      popularity: { ndcg: s.popNdcg / s.users, recall: s.popRecall / s.users },
    });
  });
  return {
    k,
    rankBy,
    users: picked.length,
    eligibleUsers: eligible.length,
    rows,
    modelPercentiles: modelTally.values(),
    popularityPercentiles: popularityTally.values(),
    modelMeanPct: modelTally.mean(),
    popularityMeanPct: popularityTally.mean(),
  };
}

/** Cold-start NDCG by number of revealed ratings, read from metrics.json (`marquee evaluate`). */
export interface ColdStartPoints {
  k: number;
  points: { revealed: number; model: number; popularity: number | undefined }[];
  users: number | undefined;
}

/**
 * The cold-start keys of metrics.json (`test.coldstart.ndcg@<k>.n<n>`, `baselines.popularity.coldstart.ndcg@<k>.n<n>`,
 * `test.coldstart.users`; see evaluate/evaluation-report.ts), or undefined when there are none.
 */
export function coldStartFromMetrics(metrics: Record<string, number>): ColdStartPoints | undefined {
  const points: ColdStartPoints['points'] = [];
  let k: number | undefined;
  for (const [key, value] of Object.entries(metrics)) {
    const match = /^test\.coldstart\.ndcg@(\d+)\.n(\d+)$/.exec(key);
    if (match === null) continue;
    const keyK = Number(match[1]);
    // One cut-off per table: the smallest recorded, as the comparison table does.
    if (k !== undefined && keyK > k) continue;
    if (k !== undefined && keyK < k) points.length = 0;
    k = keyK;
    points.push({
      revealed: Number(match[2]),
      model: value,
      popularity: metrics[`baselines.popularity.coldstart.ndcg@${keyK}.n${match[2]}`],
    });
  }
  if (k === undefined) return undefined;
  points.sort((a, b) => a.revealed - b.revealed);
  return { k, points, users: metrics['test.coldstart.users'] };
}

/** Shares of the percentiles in bins [0, 10), [10, 20), ..., [90, 100]. */
function percentileBins(values: Float32Array, ranker: PopularityBin['ranker']): PopularityBin[] {
  const bins = Math.ceil(100 / PERCENTILE_BIN);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / PERCENTILE_BIN))]!++;
  return counts.map((c, b) => ({
    lo: b * PERCENTILE_BIN,
    hi: Math.min(100, (b + 1) * PERCENTILE_BIN),
    ranker,
    share: values.length > 0 ? c / values.length : 0,
  }));
}

export function rankingSection(ctx: ReportContext, options: ReportOptions): Section {
  const a = rankingAnalysis(ctx, options);
  const cold = coldStartFromMetrics(ctx.inputs.metrics);
  const k = a.k;
  const figures: Figure[] = [];
  if (a.rows.length > 0) {
    const bars: ActivityBar[] = a.rows.flatMap((r) =>
      (['model', 'popularity'] as const).flatMap((ranker) => [
        { bucket: r.label, metric: `NDCG@${k}`, ranker, value: r[ranker].ndcg, users: r.users },
        { bucket: r.label, metric: `Recall@${k}`, ranker, value: r[ranker].recall, users: r.users },
      ]),
    );
    figures.push({
      id: 'ranking-by-user-activity',
      title: 'Ranking quality by user activity',
      caption: `NDCG@${k} and recall@${k} of the users in each bucket of training ratings, the model next to the popularity list. Users with few ratings show how well the model ranks for people it knows little about.`,
      spec: activityMetricsChart(bars, 'training ratings of the user'),
      wide: true,
    });
  }
  if (cold !== undefined && cold.points.length > 0) {
    figures.push({
      id: 'cold-start-ndcg',
      title: 'Cold start: NDCG by ratings revealed',
      caption: `NDCG@${cold.k} of users folded in from n of their ratings (the edge's fold-in on the model; the rest of their ratings are the test), against the popularity list for the same users and revealed movies. Each revealed rating leaves the test, so both lines tend to fall with n: compare them at each n.`,
      spec: coldStartChart(
        cold.points.flatMap((p) => [
          { revealed: p.revealed, ranker: 'model' as const, ndcg: p.model },
          ...(p.popularity === undefined
            ? []
            : [{ revealed: p.revealed, ranker: 'popularity' as const, ndcg: p.popularity }]),
        ]),
        `NDCG@${cold.k}`,
      ),
    });
  }
  if (a.users > 0) {
    figures.push({
      id: 'popularity-of-recommendations',
      title: 'Popularity of what is recommended',
      caption: `Where the recommended movies sit in the catalogue by training ratings (percentile; 100 = the most rated). Mean popularity percentile: model ${fmt(a.modelMeanPct, 1)}, popularity ${fmt(a.popularityMeanPct, 1)}; a list drawn at random would average about 50.`,
      spec: popularityDistributionChart([
        ...percentileBins(a.modelPercentiles, 'model'),
        ...percentileBins(a.popularityPercentiles, 'popularity'),
      ]),
    });
  }
  const html = [
    a.rows.length === 0
      ? '<p class="note">No test user has a rating ≥ 4 on a movie unrated in training: nothing to rank.</p>'
      : htmlTable(
          [
            'training ratings',
            'users',
            `model NDCG@${k}`,
            `popularity NDCG@${k}`,
            `model recall@${k}`,
            `popularity recall@${k}`,
          ],
          a.rows.map((r) => [
            r.label,
            count(r.users),
            fmt(r.model.ndcg),
            fmt(r.popularity.ndcg),
            fmt(r.model.recall),
            fmt(r.popularity.recall),
          ]),
          { numeric: [1, 2, 3, 4, 5], caption: 'By user activity' },
        ),
    cold === undefined
      ? '<p class="note">No cold-start results in metrics.json: <code>marquee evaluate</code> measures them (--cold-start-users).</p>'
      : htmlTable(
          ['ratings revealed', `model NDCG@${cold.k}`, `popularity NDCG@${cold.k}`],
          cold.points.map((p) => [String(p.revealed), fmt(p.model), fmt(p.popularity)]),
          {
            numeric: [0, 1, 2],
            caption: `Cold start${cold.users === undefined ? '' : ` (${count(cold.users)} users)`}`,
          },
        ),
  ].join('\n');
  return {
    id: 'ranking',
    title: 'Ranking',
    intro: `Top-${k} lists of ${count(a.users)} test users (of ${count(a.eligibleUsers)} with a test rating ≥ 4 on a movie they did not rate in training; seed ${options.seed}), ranked as the model serves (${a.rankBy}) and by popularity (most training ratings first), their training movies excluded.`,
    figures,
    html,
  };
}
