#!/usr/bin/env bash
# Nightly retraining: train on the latest ratings, evaluate against the baselines, refuse to ship a model that
# does not beat biased matrix factorization, then publish it as a CANARY for a slice of users. Promotion to stable
# is a separate, deliberate step (infra/promote.sh) after the canary has been watched.
#
# Configuration (environment):
#   MARQUEE_DATA      ratings to train on: a MovieLens directory/file or CSV (required)
#   MARQUEE_STORE     where versions are published: file:///..., s3://bucket/prefix, r2-local://bucket (required)
#   MARQUEE_WORKDIR   where runs are kept (default: ./runs)
#   MARQUEE_CANARY_PERCENT   share of users routed to the new version (default: 10)
#   MARQUEE_ENDPOINT  S3 endpoint for R2/MinIO (optional); credentials come from AWS_ACCESS_KEY_ID etc.
#   MARQUEE_TRAIN_FLAGS      extra flags for `marquee train` (optional)
#   MARQUEE_GATE_BASELINE    baseline the model must beat on test RMSE (default: mf = biased matrix factorization)
#   MARQUEE_GATE_RANKING     baseline the model must beat on test NDCG@10 (default: popularity)
set -euo pipefail

: "${MARQUEE_DATA:?set MARQUEE_DATA to the ratings to train on}"
: "${MARQUEE_STORE:?set MARQUEE_STORE to the object store URI (file:///..., s3://bucket/prefix)}"
workdir="${MARQUEE_WORKDIR:-./runs}"
percent="${MARQUEE_CANARY_PERCENT:-10}"
here="$(cd "$(dirname "$0")/.." && pwd)"
marquee=(node "$here/trainer/bin/marquee.js")
run="$workdir/$(date -u +%Y%m%d-%H%M%S)"
endpoint=()
if [[ -n "${MARQUEE_ENDPOINT:-}" ]]; then endpoint=(--endpoint "$MARQUEE_ENDPOINT"); fi

mkdir -p "$workdir"
echo "retrain: training on $MARQUEE_DATA -> $run"
# shellcheck disable=SC2086
"${marquee[@]}" train --data "$MARQUEE_DATA" --out "$run" ${MARQUEE_TRAIN_FLAGS:-}
"${marquee[@]}" evaluate --run "$run" --baselines

# Quality gate: the deep model must beat the baseline (biased MF by default) on RMSE and popularity on NDCG@10, on
# the same split, or nothing is published (exit 3).
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const m = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const name = process.argv[2];
  const model = m["test.rmse"], base = m[`baselines.${name}.rmse`];
  if (typeof model !== "number" || typeof base !== "number") {
    console.error(`retrain: metrics.json lacks test.rmse or baselines.${name}.rmse; refusing to publish`);
    process.exit(2);
  }
  if (!(model < base)) {
    console.error(`retrain: model RMSE ${model.toFixed(4)} does not beat ${name} ${base.toFixed(4)}; not publishing`);
    process.exit(3);
  }
  // What apps show is a ranked list: a model whose top-10 loses to "most popular" is not shipped either.
  const ranking = process.argv[3];
  const ndcg = m["test.ndcg@10"], pop = m[`baselines.${ranking}.ndcg@10`];
  if (typeof ndcg !== "number" || typeof pop !== "number") {
    console.error(`retrain: metrics.json lacks test.ndcg@10 or baselines.${ranking}.ndcg@10; refusing to publish`);
    process.exit(2);
  }
  if (!(ndcg > pop)) {
    console.error(`retrain: model NDCG@10 ${ndcg.toFixed(4)} does not beat ${ranking} ${pop.toFixed(4)}; not publishing`);
    process.exit(3);
  }
  console.log(`retrain: gate passed (RMSE ${model.toFixed(4)} < ${name} ${base.toFixed(4)}; NDCG@10 ${ndcg.toFixed(4)} > ${ranking} ${pop.toFixed(4)})`);
' "$run/metrics.json" "${MARQUEE_GATE_BASELINE:-mf}" "${MARQUEE_GATE_RANKING:-popularity}"

# The very first version of a store becomes stable (a canary needs a stable version to split traffic with).
channels="$("${marquee[@]}" channel show --store "$MARQUEE_STORE" "${endpoint[@]}")"
if [[ "$channels" == "no channels.json"* ]]; then
  "${marquee[@]}" publish --run "$run" --store "$MARQUEE_STORE" "${endpoint[@]}" --channel stable
  echo "retrain: first version of this store, published as stable."
else
  "${marquee[@]}" publish --run "$run" --store "$MARQUEE_STORE" "${endpoint[@]}" --channel canary --percent "$percent"
  echo "retrain: published as canary for $percent% of users. Watch it, then: infra/promote.sh <version> (or infra/rollback.sh)"
fi
