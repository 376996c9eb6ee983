#!/usr/bin/env bash
# Roll back: stop any canary and point stable back at the previous stable version. One pointer write each;
# edge isolates pick it up within CHANNELS_TTL_SECONDS (30 s by default) without a redeploy.
set -euo pipefail
: "${MARQUEE_STORE:?set MARQUEE_STORE to the object store URI}"
here="$(cd "$(dirname "$0")/.." && pwd)"
endpoint=()
if [[ -n "${MARQUEE_ENDPOINT:-}" ]]; then endpoint=(--endpoint "$MARQUEE_ENDPOINT"); fi
node "$here/trainer/bin/marquee.js" channel clear-canary --store "$MARQUEE_STORE" "${endpoint[@]}"
if [[ "${1:-}" == "--stable" ]]; then
  node "$here/trainer/bin/marquee.js" channel rollback --store "$MARQUEE_STORE" "${endpoint[@]}"
fi
node "$here/trainer/bin/marquee.js" channel show --store "$MARQUEE_STORE" "${endpoint[@]}"
