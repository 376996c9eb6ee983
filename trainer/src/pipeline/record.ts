/**
 * The record of each pipeline run, `pipeline/runs/<run id>.json` in the model store: what it trained on (data
 * fingerprint, added ratings), the metrics of candidate, stable and baselines, the gate's checks and the decision.
 * The run id is `<YYYYMMDD-HHMMSS>-<8 hex of the inputs key>`, so records list in time order. Records are also the
 * pipeline's memory: the inputs key makes a rerun on unchanged inputs a no-op, and a run interrupted between
 * publishing a version and pointing a channel at it is finished by the next one.
 */
import { ArtifactError } from '../../../shared/src/errors.ts';
import { jsonBytes, parseJsonBytes } from '../../../shared/src/schemas/parse.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { Comparison } from './compare.ts';
import type { GateResult } from './gate.ts';

export const RUNS_PREFIX = 'pipeline/runs/';

export type PipelineDecision =
  'published-stable' | 'published-canary' | 'refused' | 'skipped' | 'failed' | 'abandoned';

/** One run record. */
export interface PipelineRecord {
  schema: 1;
  id: string;
  /** sha256 of what decides the model and its gate: data, event ratings, training flags, split, gate settings. */
  inputsKey: string;
  started: string;
  finished?: string;
  owner: string;
  /** `running` until the decision; `publishing` between uploading the version and writing channels.json. */
  phase: 'running' | 'publishing' | 'done';
  decision?: PipelineDecision;
  reasons: string[];
  data: {
    base: string;
    format: string;
    fingerprint: string;
    /** sha256 of the base ratings and side files alone (absent in records of earlier pipelines). */
    baseFingerprint?: string;
    /** Rating rows from events in the data (all deltas). */
    eventRatings: number;
    /** What this run gathered: null when no new events file had settled (or no --events). */
    gathered: {
      files: number;
      ratings: number;
      watches: number;
      offScale: number;
      invalidLines: number;
      /** Rating and watch events dropped as redeliveries of ones already counted (absent: none). */
      duplicates?: number;
    } | null;
  };
  channelsBefore: { stable: string; canary: { version: string; percent: number } | null } | null;
  train: {
    args: string[];
    runDir: string;
    /** The version whose weights the candidate started from (--warm-start), or null for random weights. */
    warmStart?: string | null;
    /** Why a --warm-start run started cold, when it did. */
    note?: string;
    /** What training did: epochs run, the best (validation-chosen) one, the refit's, and wall time. */
    result?: { epochs: number; bestEpoch: number; refitEpochs: number | null; seconds: number };
  };
  metrics?: Comparison;
  gate?: GateResult;
  version?: string;
  channel?: { name: 'stable' | 'canary'; percent?: number };
  /**
   * The model published as `version`: `refit-all`, the candidate's recipe trained again on every rating (holdout
   * included) for the candidate's epochs; or `candidate`, the judged model itself (--no-refit-all).
   */
  published?: {
    model: 'refit-all' | 'candidate';
    runDir: string;
    /** Ratings the published model trained on (for `candidate`: its training side, validation included). */
    ratings: number;
    /** Of those, ratings of the holdout the gate judged on. */
    holdoutRatings: number;
    epochs: number;
    /** Wall time of the refit on every rating (0 for `candidate`). */
    seconds: number;
  };
}

/** Writes (or rewrites) a record. */
export async function writeRecord(store: ObjectStore, record: PipelineRecord): Promise<void> {
  await store.put(`${RUNS_PREFIX}${record.id}.json`, jsonBytes(record));
}

/**
 * Every record, oldest first.
 * @throws ArtifactError naming a record that is not JSON
 */
export async function readRecords(store: ObjectStore): Promise<PipelineRecord[]> {
  const records: PipelineRecord[] = [];
  for (const key of await store.list(RUNS_PREFIX)) {
    if (!key.endsWith('.json')) continue;
    const bytes = await store.get(key);
    if (bytes === null) continue;
    const value = parseJsonBytes(key, bytes) as Partial<PipelineRecord>;
    if (value.schema !== 1 || typeof value.id !== 'string' || typeof value.inputsKey !== 'string') {
      throw new ArtifactError(key, 'expected a pipeline run record (schema 1 with id and inputsKey)');
    }
    records.push(value as PipelineRecord);
  }
  // Keys sort by the second a run started; two runs of one second sort by their start time in ms.
  return records.sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0));
}
