#!/usr/bin/env bash
# One-time storage set-up on Cloudflare: the R2 bucket the Worker reads (binding MODELS in wrangler.toml).
# Needs `wrangler login` (or CLOUDFLARE_API_TOKEN). For publishing from the trainer, create an R2 API token with
# Object Read & Write on this bucket and export it as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the S3 endpoint is
# https://<account-id>.r2.cloudflarestorage.com (MARQUEE_ENDPOINT). The Worker itself only ever reads.
set -euo pipefail
bucket="${1:-marquee-models}"
npx wrangler r2 bucket create "$bucket"
echo "created R2 bucket $bucket; publish with: marquee publish --run RUNDIR --store s3://$bucket --endpoint https://<account-id>.r2.cloudflarestorage.com"
