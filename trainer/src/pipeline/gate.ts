/**
 * The publish gate: the candidate must beat the baselines (biased MF on RMSE, popularity on NDCG@10, as the
 * nightly script always required) and must not be worse than the stable version beyond the tolerances, on the
 * holdout ratings both can score. Tolerances are relative: RMSE may be at most (1 + rmseTolerance) × the stable's,
 * NDCG@10 at least (1 − ndcgTolerance) × the stable's.
 */
import type { BaselineName } from '../evaluate/index.ts';
import type { Comparison } from './compare.ts';

export interface GateOptions {
  rmseBaseline: BaselineName;
  rankingBaseline: BaselineName;
  rmseTolerance: number;
  ndcgTolerance: number;
}

export const DEFAULT_GATE: Readonly<GateOptions> = Object.freeze({
  rmseBaseline: 'mf',
  rankingBaseline: 'popularity',
  rmseTolerance: 0.01,
  ndcgTolerance: 0.05,
});

export interface GateResult {
  pass: boolean;
  /** Why it failed (empty when it passed). */
  failures: string[];
  /** Every check, passed or not, one line each. */
  checks: string[];
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

/** Applies the gate to a comparison. */
export function applyGate(c: Comparison, o: GateOptions): GateResult {
  const failures: string[] = [];
  const checks: string[] = [];
  const check = (ok: boolean, passed: string, failed: string) => {
    checks.push(ok ? passed : failed);
    if (!ok) failures.push(failed);
  };
  const k = c.holdout.k;
  const cand = c.candidate;
  const judged = c.holdout.judged ?? c.holdout.ratings;
  if (judged < c.holdout.ratings) {
    checks.push(
      `candidate and baselines judged on the ${judged} of ${c.holdout.ratings} holdout ratings the stable never ` +
        'trained on (the candidate started from its weights)',
    );
  }
  const rmseBase = c.baselines[o.rmseBaseline];
  const rankBase = c.baselines[o.rankingBaseline];
  if (rmseBase === undefined) {
    check(false, '', `baseline ${o.rmseBaseline} was not evaluated; cannot gate on RMSE`);
  } else {
    check(
      cand.rmse < rmseBase.rmse,
      `RMSE ${f(cand.rmse)} beats ${o.rmseBaseline} ${f(rmseBase.rmse)}`,
      `RMSE ${f(cand.rmse)} does not beat ${o.rmseBaseline} ${f(rmseBase.rmse)}`,
    );
  }
  if (rankBase === undefined) {
    check(false, '', `baseline ${o.rankingBaseline} was not evaluated; cannot gate on NDCG@${k}`);
  } else {
    check(
      cand.ndcg > rankBase.ndcg,
      `NDCG@${k} ${f(cand.ndcg)} beats ${o.rankingBaseline} ${f(rankBase.ndcg)}`,
      `NDCG@${k} ${f(cand.ndcg)} does not beat ${o.rankingBaseline} ${f(rankBase.ndcg)}`,
    );
  }
  const s = c.stable;
  if (s.compared) {
    const rmseLimit = s.stable.rmse * (1 + o.rmseTolerance);
    check(
      s.candidate.rmse <= rmseLimit,
      `RMSE ${f(s.candidate.rmse)} <= stable ${s.version} ${f(s.stable.rmse)} × ${1 + o.rmseTolerance} ` +
        `(${s.ratings} shared holdout ratings)`,
      `RMSE ${f(s.candidate.rmse)} is worse than stable ${s.version} ${f(s.stable.rmse)} beyond the tolerance ` +
        `(limit ${f(rmseLimit)}; ${s.ratings} shared holdout ratings)`,
    );
    if (Number.isFinite(s.candidate.ndcg) && Number.isFinite(s.stable.ndcg)) {
      const ndcgLimit = s.stable.ndcg * (1 - o.ndcgTolerance);
      check(
        s.candidate.ndcg >= ndcgLimit,
        `NDCG@${k} ${f(s.candidate.ndcg)} >= stable ${f(s.stable.ndcg)} × ${1 - o.ndcgTolerance}`,
        `NDCG@${k} ${f(s.candidate.ndcg)} is worse than stable ${s.version} ${f(s.stable.ndcg)} beyond the ` +
          `tolerance (limit ${f(ndcgLimit)})`,
      );
    } else {
      checks.push(`NDCG@${k} against stable not compared: no shared holdout user has a relevant rating`);
    }
  } else {
    checks.push(`not compared with stable: ${s.reason}`);
  }
  return { pass: failures.length === 0, failures, checks };
}
