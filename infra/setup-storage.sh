#!/usr/bin/env bash
# One-time set-up on Cloudflare: the R2 buckets (models: what the Worker serves; events: what it collects, plus the
# pipeline's base ratings under base/) and the events queue, named as in infra/names.env and wrangler.toml.
# Needs `wrangler login` (or CLOUDFLARE_API_TOKEN). For the trainer, create an R2 API token with Object Read & Write
# on both buckets and export it as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the S3 endpoint is
# https://<account-id>.r2.cloudflarestorage.com (MARQUEE_ENDPOINT). The Worker itself only reads models.
# Usage: infra/setup-storage.sh [models-bucket [events-bucket]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=names.env
. "$here/names.env"
models="${1:-$MARQUEE_MODELS_BUCKET}"
events="${2:-$MARQUEE_EVENTS_BUCKET}"
npx wrangler r2 bucket create "$models"
npx wrangler r2 bucket create "$events"
npx wrangler queues create "$MARQUEE_EVENTS_QUEUE"
echo "created R2 buckets $models and $events and queue $MARQUEE_EVENTS_QUEUE"
echo "upload the base ratings once: aws s3 sync <dir> s3://$events/$MARQUEE_BASE_PREFIX/ --endpoint-url https://<account-id>.r2.cloudflarestorage.com"
echo "then: marquee pipeline --data <dir> --store s3://$models --events s3://$events --endpoint https://<account-id>.r2.cloudflarestorage.com"
