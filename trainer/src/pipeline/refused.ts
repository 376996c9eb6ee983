/** The gate's refusal as an error: the CLI exits 3 with its reasons, and in-process callers can catch it. */
import { MarqueeError } from '../../../shared/src/errors.ts';
import type { PipelineRecord } from './record.ts';

/** Exit code of a refused candidate (as infra/retrain-nightly.sh always used). */
export const REFUSED_EXIT_CODE = 3;

/**
 * The gate refused the candidate (now, or in the earlier run whose inputs this one repeats): nothing was published.
 * The message names the failed checks; `record` is the run record as written, `summary` the lines a CLI prints.
 */
export class CandidateRefused extends MarqueeError {
  override name = 'CandidateRefused';
  override readonly exitCode = REFUSED_EXIT_CODE;
  readonly record: PipelineRecord;
  readonly summary: string[];
  constructor(message: string, record: PipelineRecord, summary: string[]) {
    super(message);
    this.record = record;
    this.summary = summary;
  }
}
