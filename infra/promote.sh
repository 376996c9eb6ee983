#!/usr/bin/env bash
# Promote a canary version to stable for everyone (the previous stable is kept for rollback).
# Usage: MARQUEE_STORE=... infra/promote.sh VERSION
set -euo pipefail
: "${MARQUEE_STORE:?set MARQUEE_STORE to the object store URI}"
version="${1:?usage: infra/promote.sh VERSION}"
here="$(cd "$(dirname "$0")/.." && pwd)"
endpoint=()
if [[ -n "${MARQUEE_ENDPOINT:-}" ]]; then endpoint=(--endpoint "$MARQUEE_ENDPOINT"); fi
node "$here/trainer/bin/marquee.js" channel set-stable "$version" --store "$MARQUEE_STORE" "${endpoint[@]}"
node "$here/trainer/bin/marquee.js" channel clear-canary --store "$MARQUEE_STORE" "${endpoint[@]}"
node "$here/trainer/bin/marquee.js" channel show --store "$MARQUEE_STORE" "${endpoint[@]}"
