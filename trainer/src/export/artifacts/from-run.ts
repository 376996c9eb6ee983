/**
 * The VersionInput of a training run directory (weights, config, metrics, backend, and the data with its
 * training split), via the trainer's run-directory loader.
 */
import { UsageError } from '../../../../shared/src/errors.ts';
import type { VersionInput } from './build-version.ts';

/** Options of the export that are not in the run. */
export type ExportOptions = Pick<VersionInput, 'similarK' | 'int8'>;

/**
 * @throws UsageError / DataError / ArtifactError when the run directory cannot be loaded
 */
export async function versionInputFromRun(runDir: string, options: ExportOptions = {}): Promise<VersionInput> {
  void options;
  throw new UsageError(`cannot load run ${runDir}: run directories are not available yet`);
}
