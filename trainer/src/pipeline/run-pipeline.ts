/**
 * `marquee pipeline`, what the nightly job runs, in order:
 *
 * 1. take the store's pipeline lock (one pipeline at a time; an expired lock is taken over);
 * 2. finish a run that was interrupted between publishing its version and pointing a channel at it;
 * 3. skip when a canary is in flight (the judge has not promoted or rolled it back yet) unless told to replace it;
 * 4. gather the rating events since the last run and merge them into the base ratings;
 * 5. skip when the data and settings are those of an earlier completed run: a rerun is a no-op (the same data
 *    and flags train the same model, already published or refused);
 * 6. train a candidate (the `train` command, injected), from the stable's weights with --warm-start; evaluate
 *    candidate, stable and baselines on its holdout, on the rows each may be judged on (compare.ts);
 * 7. refuse when the gate fails (CandidateRefused, exit code 3); else train the served model on every rating, the
 *    holdout included (refit-all.ts; --no-refit-all serves the candidate), publish it as a version, keep its run
 *    files for later comparisons and warm starts, and point a channel at it: stable for a store's first version,
 *    else canary at the first step.
 *
 * Each step is written to the run record (record.ts) as it happens.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MarqueeError } from '../../../shared/src/errors.ts';
import type { Channels } from '../../../shared/src/schemas/channels.ts';
import { loadRatings } from '../data/load/index.ts';
import { buildVersion } from '../export/artifacts/build-version.ts';
import { versionInputFromRun } from '../export/artifacts/from-run.ts';
import { evaluationMetrics } from '../evaluate/index.ts';
import { readChannels, setChannels, withCanary, withStable } from '../store/channels.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { assertVersionPresent, publishVersion } from '../store/versions.ts';
import { loadRun, loadRunData, mergeMetrics } from '../train/run-dir.ts';
import { NoRatingsSince } from '../train/data.ts';
import { InitMismatch } from '../train/warm-start.ts';
import { compareOnHoldout, type CompareOptions, type HoldoutScope } from './compare.ts';
import { applyGate, type GateOptions } from './gate.ts';
import { gatherRatings } from './gather.ts';
import { acquireLock, type LockBackend } from './lock.ts';
import { baseFingerprint, mergeRatings } from './merge-data.ts';
import { loadModelFiles, saveModelFiles } from './model-files.ts';
import { readRecords, writeRecord, type PipelineRecord } from './record.ts';
import { CandidateRefused } from './refused.ts';
import { servedModel } from './served-model.ts';
import { stableData, unseenHoldout } from './stable-data.ts';
import { warmStartPlan } from './warm-start-plan.ts';

/** What to run. */
export interface PipelineRequest {
  store: ObjectStore;
  events: ObjectStore | null;
  lock: LockBackend;
  lockTtlMs: number;
  /** Base ratings path (MovieLens directory or file). */
  data: string;
  /** Where run directories go; this run's is `<workdir>/<run id>/`. */
  workdir: string;
  /** `marquee train` flags besides --data / --out / --split (e.g. ["--epochs", "5"]). */
  trainArgs: string[];
  split: string;
  compare: CompareOptions;
  gate: GateOptions;
  /** Canary percent of a new version (the first step). */
  canaryPercent: number;
  /** Replace a canary in flight instead of skipping. */
  replaceCanary: boolean;
  /** Start the candidate from the stable version's weights (when it has run files in the store). */
  warmStart: boolean;
  /** Once the gate passes, publish the candidate's recipe trained on every rating (else the candidate itself). */
  refitAll: boolean;
  settleMs: number;
  /** Trains with `marquee train` flags; throws on failure. */
  train: (args: string[]) => Promise<void>;
  log: (line: string) => void;
  now?: () => Date;
}

/** The outcome of a run that did not refuse: the record written (or repeated) and the lines to print. */
export interface PipelineResult {
  record: PipelineRecord | null;
  summary: string[];
}

const pointers = (c: Channels | null): PipelineRecord['channelsBefore'] =>
  c === null ? null : { stable: c.stable, canary: c.canary };

function runId(now: Date, inputsKey: string): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${inputsKey.slice(0, 8)}`;
}

/** Points the channel a record intended at its version. */
async function pointChannel(store: ObjectStore, record: PipelineRecord): Promise<Channels> {
  const current = await readChannels(store);
  const version = record.version as string;
  const next =
    record.channel?.name === 'canary' && current !== null
      ? withCanary(current, version, record.channel.percent ?? 0)
      : withStable(current, version);
  return setChannels(store, next);
}

/**
 * Finishes the latest run when it stopped while publishing: its version exists, so point the channel; else mark it
 * abandoned. @returns the finished record, or null when there was nothing to finish
 */
async function finishInterrupted(
  req: PipelineRequest,
  records: PipelineRecord[],
): Promise<PipelineRecord | null> {
  const last = records.at(-1);
  if (last === undefined || last.phase !== 'publishing' || last.version === undefined) return null;
  const now = (req.now ?? (() => new Date()))();
  try {
    await assertVersionPresent(req.store, last.version);
  } catch {
    const abandoned: PipelineRecord = {
      ...last,
      phase: 'done',
      decision: 'abandoned',
      finished: now.toISOString(),
      reasons: [
        ...last.reasons,
        `interrupted before version ${last.version} was complete; a new run follows`,
      ],
    };
    await writeRecord(req.store, abandoned);
    req.log(`pipeline: run ${last.id} was interrupted while uploading ${last.version}; starting afresh`);
    return null;
  }
  await pointChannel(req.store, last);
  const done: PipelineRecord = {
    ...last,
    phase: 'done',
    decision: last.channel?.name === 'canary' ? 'published-canary' : 'published-stable',
    finished: now.toISOString(),
    reasons: [
      ...last.reasons,
      `channel pointed by the next run (${now.toISOString()}) after an interruption`,
    ],
  };
  await writeRecord(req.store, done);
  return done;
}

/**
 * Runs the pipeline under the store's lock.
 * @throws CandidateRefused when the gate refuses the candidate (the record says `refused`) or refused it in the
 *   earlier run on the same inputs; LockHeld when another pipeline runs; UsageError / DataError / StorageError /
 *   ArtifactError from the steps (the run record then says `failed`)
 */
export async function runPipeline(req: PipelineRequest): Promise<PipelineResult> {
  const now = req.now ?? (() => new Date());
  const lock = await acquireLock(req.lock, { ttlMs: req.lockTtlMs, now: now() });
  if (lock.tookOver !== undefined) {
    req.log(
      `pipeline: took over the expired lock of ${lock.tookOver.owner} (expired ${lock.tookOver.expires})`,
    );
  }
  if (!lock.atomic)
    req.log(`pipeline: warning: ${req.store.uri} has no conditional writes; the lock is best-effort`);
  try {
    return await locked(req, lock.info.owner, lock.stillHeld);
  } finally {
    await lock.release();
  }
}

async function locked(
  req: PipelineRequest,
  owner: string,
  stillHeld: () => Promise<boolean>,
): Promise<PipelineResult> {
  const now = req.now ?? (() => new Date());
  const { store, log } = req;
  const records = await readRecords(store);
  const finished = await finishInterrupted(req, records);
  if (finished !== null) {
    records[records.length - 1] = finished;
    log(
      `pipeline: finished interrupted run ${finished.id}: ${finished.version} is now ${finished.channel?.name}`,
    );
  }
  const channels = await readChannels(store);
  if (channels !== null && channels.canary !== null && channels.canary.percent > 0 && !req.replaceCanary) {
    const line =
      `canary ${channels.canary.version} is in flight at ${channels.canary.percent} %: not training (judge it ` +
      'with `marquee canary judge --apply` until it is promoted or rolled back, or pass --replace-canary)';
    return { record: finished, summary: [`skipped: ${line}`] };
  }

  const started = now();
  const { table: base } = await loadRatings(req.data);
  const gathered = await gatherRatings(store, req.events, base.scale, {
    now: started,
    settleMs: req.settleMs,
  });
  if (gathered.delta !== null) {
    const d = gathered.delta;
    log(
      `pipeline: gathered ${d.ratings.length} ratings (${d.watches} watches not used, ${d.offScale} off the scale, ` +
        `${d.duplicates ?? 0} duplicates, ${d.invalidLines} invalid lines) from ${d.files} events files`,
    );
  }
  const baseKey = await baseFingerprint(req.data);
  const inputsKey = createHash('sha256')
    .update(
      JSON.stringify({
        data: baseKey,
        eventRatings: createHash('sha256').update(JSON.stringify(gathered.ratings)).digest('hex'),
        train: req.trainArgs,
        split: req.split,
        compare: req.compare,
        gate: req.gate,
        // A warm start's model depends on the version it starts from.
        warmStart: req.warmStart ? (channels?.stable ?? null) : null,
        refitAll: req.refitAll,
      }),
    )
    .digest('hex');
  const same = [...records]
    .reverse()
    .find(
      (r) =>
        r.inputsKey === inputsKey &&
        r.phase === 'done' &&
        r.decision !== 'failed' &&
        r.decision !== 'abandoned',
    );
  if (same !== undefined) {
    const line = `inputs unchanged since run ${same.id} (${same.decision}${same.version ? ` ${same.version}` : ''}); nothing to do`;
    log(`pipeline: ${line}`);
    if (same.decision === 'refused') {
      throw new CandidateRefused(
        `inputs unchanged since run ${same.id}, whose candidate the gate refused: ${same.reasons.join('; ')}`,
        same,
        [line],
      );
    }
    return { record: same, summary: [line] };
  }

  const id = runId(started, inputsKey);
  const dir = join(req.workdir, id);
  const merged = await mergeRatings(req.data, gathered.ratings, join(dir, 'data'));
  const runDir = join(dir, 'model');
  const stable =
    channels === null
      ? { version: null, reason: 'the store has no stable version yet' }
      : ((await loadModelFiles(store, channels.stable, join(dir, 'stable'))) ?? {
          version: channels.stable,
          reason: `stable ${channels.stable} has no run files in pipeline/models/ (published outside the pipeline)`,
        });
  const stableTrained =
    channels === null
      ? null
      : stableData(channels.stable, records, {
          base,
          baseFingerprint: baseKey,
          eventRatings: gathered.ratings,
        });
  const start = warmStartPlan(req.warmStart, stable, stableTrained);
  if (start.note !== undefined) log(`pipeline: ${start.note}`);
  const ownArgs = ['--data', merged.path, '--out', runDir, '--split', req.split];
  const initArgs =
    start.from === null ? [] : ['--init-from', start.from.model.dir, '--val-since', String(start.from.since)];
  let record: PipelineRecord = {
    schema: 1,
    id,
    inputsKey,
    started: started.toISOString(),
    owner,
    phase: 'running',
    reasons: [],
    data: {
      base: req.data,
      format: merged.format,
      fingerprint: merged.fingerprint,
      baseFingerprint: baseKey,
      eventRatings: gathered.ratings.length,
      gathered:
        gathered.delta === null
          ? null
          : {
              files: gathered.delta.files,
              ratings: gathered.delta.ratings.length,
              watches: gathered.delta.watches,
              offScale: gathered.delta.offScale,
              invalidLines: gathered.delta.invalidLines,
              // Absent when none, as in records of earlier pipelines.
              ...(gathered.delta.duplicates ? { duplicates: gathered.delta.duplicates } : {}),
            },
    },
    channelsBefore: pointers(channels),
    train: {
      args: [...ownArgs, ...initArgs, ...req.trainArgs],
      runDir,
      warmStart: start.from?.model.version ?? null,
      ...(start.note === undefined ? {} : { note: start.note }),
    },
  };
  await writeRecord(store, record);
  const save = async (patch: Partial<PipelineRecord>): Promise<void> => {
    record = { ...record, ...patch };
    await writeRecord(store, record);
  };
  try {
    log(`pipeline: run ${id}: training on ${merged.path} (${merged.added} event ratings added) -> ${runDir}`);
    const trainStarted = performance.now();
    let warmFrom = start.from?.model ?? null;
    try {
      await req.train(record.train.args);
    } catch (err) {
      if (warmFrom === null || !(err instanceof InitMismatch || err instanceof NoRatingsSince)) throw err;
      const note =
        err instanceof InitMismatch
          ? // The flags changed the model's shape since the stable was trained: its weights cannot start this one.
            `--warm-start: stable ${warmFrom.version} is of another shape (${err.got}) than the candidate ` +
            `(${err.expected}): cold start`
          : `--warm-start: no rating since stable ${warmFrom.version} was trained is on the training side to ` +
            'validate on (all in the holdout): cold start';
      log(`pipeline: ${note}`);
      warmFrom = null;
      await save({ train: { ...record.train, args: [...ownArgs, ...req.trainArgs], warmStart: null, note } });
      await req.train(record.train.args);
    }
    const run = await loadRun(runDir);
    await save({
      train: {
        ...record.train,
        result: {
          epochs: run.status?.epochs ?? 0,
          bestEpoch: run.status?.bestEpoch ?? 0,
          refitEpochs: run.status?.refitEpochs ?? null,
          seconds: (performance.now() - trainStarted) / 1000,
        },
      },
    });
    const { table, split } = await loadRunData(run);
    const unseen = stableTrained === null ? undefined : unseenHoldout(table, split, stableTrained);
    const scope: HoldoutScope | undefined =
      unseen === undefined
        ? undefined
        : { unseenByStable: unseen.rows, note: unseen.note, warm: warmFrom !== null };
    if (scope?.warm === true && scope.unseenByStable.length === 0) {
      const reason =
        `no holdout rating to judge the candidate on: it started from stable ${warmFrom?.version}, which trained ` +
        `on every other rating (${scope.note}); run without --warm-start`;
      await save({ phase: 'done', decision: 'refused', reasons: [reason], finished: now().toISOString() });
      throw new CandidateRefused(`the gate refused the candidate: ${reason}`, record, [`refused: ${reason}`]);
    }
    log('pipeline: evaluating candidate, stable and baselines on the holdout ...');
    const compared = compareOnHoldout(run, table, split, stable, req.compare, scope);
    // What `marquee evaluate --baselines` records, so the published manifest carries the baselines too.
    await mergeMetrics(runDir, evaluationMetrics(compared.candidate, compared.baselines));
    const gate = applyGate(compared.comparison, req.gate);
    await save({ metrics: compared.comparison, gate });
    if (!gate.pass) {
      await save({
        phase: 'done',
        decision: 'refused',
        reasons: gate.failures,
        finished: now().toISOString(),
      });
      throw new CandidateRefused(`the gate refused the candidate: ${gate.failures.join('; ')}`, record, [
        ...gate.checks,
        'refused: not publishing',
      ]);
    }
    const published = await servedModel(req.refitAll, run, dir, warmFrom, log);
    if (!(await stillHeld())) {
      throw new MarqueeError(
        'the pipeline lock expired and another pipeline took it during training; not publishing (raise --lock-ttl)',
      );
    }
    const bundle = await buildVersion(
      await versionInputFromRun(published.runDir, { similarK: 50, int8: true }),
    );
    const version = bundle.manifest.version;
    const channel: PipelineRecord['channel'] =
      channels === null ? { name: 'stable' } : { name: 'canary', percent: req.canaryPercent };
    await save({ phase: 'publishing', version, channel, published });
    await publishVersion(store, bundle);
    await saveModelFiles(store, version, published.runDir);
    await pointChannel(store, record);
    const decision = channel.name === 'stable' ? 'published-stable' : 'published-canary';
    const where =
      channel.name === 'stable'
        ? 'stable (the store had no version yet)'
        : `canary for ${req.canaryPercent} % of users`;
    await save({
      phase: 'done',
      decision,
      reasons: [`published ${version} as ${where}`],
      finished: now().toISOString(),
    });
    return { record, summary: [...gate.checks, `published ${version} as ${where}`] };
  } catch (err) {
    if (record.phase === 'running') {
      await save({
        phase: 'done',
        decision: 'failed',
        reasons: [(err as Error).message],
        finished: now().toISOString(),
      }).catch(() => undefined);
    }
    throw err;
  }
}
