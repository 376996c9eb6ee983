#!/usr/bin/env bash
# Deploy the edge Worker (wrangler.toml at the repo root). Run `npm ci` first; needs `wrangler login` or
# CLOUDFLARE_API_TOKEN. `--dry-run` builds the bundle without uploading (prints its size).
set -euo pipefail
cd "$(dirname "$0")/.."
npx wrangler deploy "$@"
