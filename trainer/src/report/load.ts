/**
 * Thin glue from a run directory to ReportInputs: the run (loadRun), its data and split (loadRunData), and the
 * residual tables of evaluation.json when `marquee evaluate` has written one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ArtifactError } from '../../../shared/src/errors.ts';
import type { ResidualTables } from '../evaluate/types.ts';
import { loadRun, loadRunData } from '../train/run-dir.ts';
import type { ReportInputs } from './sections/types.ts';

/** File name of the evaluation document inside a run directory. */
export const EVALUATION_FILE = 'evaluation.json';

// JSON turns the Infinity upper bound of the last bucket into null.
const residualRow = z.object({
  label: z.string(),
  lo: z.number(),
  hi: z.number().nullable(),
  count: z.number(),
  rmse: z.number(),
  mae: z.number(),
  bias: z.number(),
});
const residualTablesSchema = z.object({
  byRating: z.array(residualRow),
  byUserActivity: z.array(residualRow),
  byMoviePopularity: z.array(residualRow),
});
const evaluationSchema = z.object({
  models: z.array(z.object({ model: z.string(), residuals: residualTablesSchema })),
});

/**
 * The model's residual tables from `<dir>/evaluation.json`, or undefined when the file does not exist.
 * @throws ArtifactError when the file exists but cannot be parsed or lacks the model's residual tables
 */
export async function readEvaluationResiduals(dir: string): Promise<ResidualTables | undefined> {
  const p = path.join(dir, EVALUATION_FILE);
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ArtifactError(p, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ArtifactError(p, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = evaluationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(
      p,
      `invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  const models = parsed.data.models;
  const model = models.find((m) => m.model === 'model') ?? models[0];
  if (model === undefined) throw new ArtifactError(p, 'expected at least one evaluated model (got none)');
  const fix = (rows: z.infer<typeof residualRow>[]) => rows.map((r) => ({ ...r, hi: r.hi ?? Infinity }));
  return {
    byRating: fix(model.residuals.byRating),
    byUserActivity: fix(model.residuals.byUserActivity),
    byMoviePopularity: fix(model.residuals.byMoviePopularity),
  };
}

/**
 * Loads everything the report needs from a run directory.
 * @throws ArtifactError / DataError / UsageError from the run and data loaders
 */
export async function loadReportInputs(dir: string): Promise<ReportInputs> {
  const run = await loadRun(dir);
  const { table, split } = await loadRunData(run);
  const residuals = await readEvaluationResiduals(dir);
  return {
    runName: dir,
    weights: run.weights,
    history: run.history,
    metrics: run.metrics,
    config: run.config,
    table,
    split,
    ...(residuals === undefined ? {} : { residuals }),
  };
}
