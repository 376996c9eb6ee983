/**
 * The VersionInput of a training run directory: the run's weights, config, metrics and backend, and its data
 * reloaded with the recorded split (loadRun / loadRunData, which check the data still match the run).
 */
import { loadRun, loadRunData } from '../../train/run-dir.ts';
import { planFromMetrics } from '../../train/metrics.ts';
import type { VersionInput } from './build-version.ts';

function planOrNothing(metrics: Record<string, unknown>): Pick<VersionInput, 'ranking'> {
  const plan = planFromMetrics(metrics);
  return plan === undefined ? {} : { ranking: plan };
}

/** Options of the export that are not in the run. */
export type ExportOptions = Pick<VersionInput, 'similarK' | 'int8'>;

/**
 * The table is the run's whole data set, so the seen lists hold every rating (training, validation and test): the
 * same movies `marquee recommend` excludes. The training rows are the training side of the split, validation
 * hold-out included: the ratings the model saw (fitted or used for early stopping), so they decide which users are
 * in users.bin and what popularity counts.
 * @throws ArtifactError naming the run file that is missing or malformed, or when the data changed since training;
 *   DataError / UsageError from the loaders
 */
export async function versionInputFromRun(
  runDir: string,
  options: ExportOptions = {},
): Promise<VersionInput> {
  const run = await loadRun(runDir);
  const { table, split } = await loadRunData(run);
  const { backend } = run.config;
  return {
    weights: run.weights,
    table,
    trainRows: split.train,
    config: { ...run.config },
    metrics: run.metrics,
    ...(run.weights.pref === undefined ? {} : planOrNothing(run.metrics)),
    backend: `${backend.tfjsName} (${backend.device})`,
    ...options,
  };
}
