#!/usr/bin/env bash
# Nightly job: `marquee pipeline` (gather rating events, train a candidate, refuse it unless it beats the baselines
# and is no worse than stable, else publish it as a canary), then `marquee canary judge --apply` (step the canary
# up, promote it, or roll it back on the traffic it has seen). Every decision is in the CLI; this only wires the
# environment to the flags. Schedulers: infra/systemd, infra/k8s, .github/workflows/nightly.yml (names in
# infra/names.env).
#
# Configuration (environment):
#   MARQUEE_DATA             base ratings: a MovieLens directory or ratings file (required)
#   MARQUEE_STORE            model store: file:///..., s3://bucket/prefix, r2-local://bucket (required)
#   MARQUEE_EVENTS           events bucket the Worker writes (optional; without it no events join the data and
#                            no canary is judged)
#   MARQUEE_ENDPOINT         S3 endpoint for R2/MinIO (optional); credentials come from AWS_ACCESS_KEY_ID etc.
#   MARQUEE_WORKDIR          where run directories are kept (default: ./runs)
#   MARQUEE_CANARY_PERCENT   share of users a new version gets as canary (default: 10)
#   MARQUEE_TRAIN_FLAGS      extra flags for `marquee train` (optional)
#   MARQUEE_GATE_BASELINE    baseline the model must beat on RMSE (default: mf = biased matrix factorization)
#   MARQUEE_GATE_RANKING     baseline the model must beat on NDCG@10 (default: popularity)
#   MARQUEE_PIPELINE_FLAGS   more `marquee pipeline` flags, e.g. "--rmse-tolerance 0.02" (optional)
#   MARQUEE_JUDGE_FLAGS      more `marquee canary judge` flags, e.g. "--min-impressions 500" (optional)
#
# Exit status: the pipeline's (0 published / skipped / nothing to do, 3 refused, 2 usage or storage errors),
# else the judge's. The judge runs even when the pipeline refused or failed: the canary in flight is independent.
set -euo pipefail

: "${MARQUEE_DATA:?set MARQUEE_DATA to the base ratings to train on}"
: "${MARQUEE_STORE:?set MARQUEE_STORE to the object store URI (file:///..., s3://bucket/prefix)}"
here="$(cd "$(dirname "$0")/.." && pwd)"
marquee=(node "$here/trainer/bin/marquee.js")
store=(--store "$MARQUEE_STORE")
if [[ -n "${MARQUEE_ENDPOINT:-}" ]]; then store+=(--endpoint "$MARQUEE_ENDPOINT"); fi
events=()
if [[ -n "${MARQUEE_EVENTS:-}" ]]; then events=(--events "$MARQUEE_EVENTS"); fi

pipeline=0
# shellcheck disable=SC2086 # MARQUEE_PIPELINE_FLAGS is a list of flags
"${marquee[@]}" pipeline --data "$MARQUEE_DATA" "${store[@]}" "${events[@]}" \
  --workdir "${MARQUEE_WORKDIR:-./runs}" \
  --canary-percent "${MARQUEE_CANARY_PERCENT:-10}" \
  --gate-rmse-baseline "${MARQUEE_GATE_BASELINE:-mf}" \
  --gate-ranking-baseline "${MARQUEE_GATE_RANKING:-popularity}" \
  --train-flags "${MARQUEE_TRAIN_FLAGS:-}" \
  ${MARQUEE_PIPELINE_FLAGS:-} || pipeline=$?

judge=0
if [[ ${#events[@]} -gt 0 ]]; then
  # shellcheck disable=SC2086 # MARQUEE_JUDGE_FLAGS is a list of flags
  "${marquee[@]}" canary judge "${store[@]}" "${events[@]}" --apply ${MARQUEE_JUDGE_FLAGS:-} || judge=$?
else
  echo "retrain: MARQUEE_EVENTS is not set: no canary judgement (promote or roll back with infra/promote.sh, infra/rollback.sh)"
fi

if [[ $pipeline -ne 0 ]]; then exit "$pipeline"; fi
exit "$judge"
