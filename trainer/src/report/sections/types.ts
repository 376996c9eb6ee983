/** Contracts between the report's sections, the page renderer and the run-loading glue. */
import type { TopLevelSpec } from 'vega-lite';
import type { RatingsTable, Split } from '../../data/types.ts';
import type { ResidualTables } from '../../evaluate/types.ts';
import type { ModelWeights } from '../../model/weights.ts';

/** Everything the report reads: a trained run plus the data it was trained on. */
export interface ReportInputs {
  /** Shown in the page header, e.g. the run directory. */
  runName: string;
  weights: ModelWeights;
  /** Records of history.jsonl, one per epoch. */
  history: readonly unknown[];
  /** Flat metric keys (`test.rmse`, `baselines.mf.ndcg@10`, ...). */
  metrics: Record<string, number>;
  /** The run's training configuration, shown verbatim in an appendix when present. */
  config?: unknown;
  table: RatingsTable;
  split: Split;
  /** Residual tables saved by the evaluation (evaluation.json); recomputed from predictions when absent. */
  residuals?: ResidualTables;
}

/** Knobs of the report; every random choice derives from `seed`. */
export interface ReportOptions {
  seed: number;
  /** Most movies drawn on the embedding maps (the most-rated ones). */
  mapMovies: number;
  /** UMAP optimisation epochs. */
  umapEpochs: number;
  /** Users k-means is fitted on / silhouettes are measured on. */
  clusterFitUsers: number;
  silhouetteUsers: number;
  /** Example users and recommendations per user. */
  exampleUsers: number;
  recommendations: number;
  /** Movies listed at each end of the bias ranking. */
  biasExtremes: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = {
  seed: 42,
  mapMovies: 1500,
  umapEpochs: 200,
  clusterFitUsers: 5000,
  silhouetteUsers: 1000,
  exampleUsers: 3,
  recommendations: 5,
  biasExtremes: 10,
};

/** One chart: its Vega-Lite spec and the words around it. */
export interface Figure {
  /** File name stem (figures/<id>.svg) and element id: lower-case letters, digits, dashes. */
  id: string;
  title: string;
  /** What the chart shows and how to read it (plain text). */
  caption: string;
  spec: TopLevelSpec;
  /** Spans the full page width. */
  wide?: boolean;
}

/** One section of the page. */
export interface Section {
  id: string;
  title: string;
  /** Plain-text introduction. */
  intro: string;
  figures: Figure[];
  /** Extra markup after the figures (tables), already escaped. */
  html?: string;
}
