#!/usr/bin/env bash
# Runs the ```sh blocks of each walkthrough document given, in order, against the one server at $BASE
# (default http://127.0.0.1:3000), so the documents stay true. Each document's blocks run together as
# one script (its setup block defines what the later ones use); the documents run one after another
# against the same server and data. Needs curl and jq, and a server with the demo data. Each document
# expects the demo as a first start leaves it (.ci/run gives each one a fresh server).
#   bash scripts/check-walkthroughs.sh [doc.md ...]
# Default: docs/api.md, then docs/lifecycle.md and docs/supervision.md when they exist.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=("$@")
if [ ${#docs[@]} -eq 0 ]; then
  docs=(docs/api.md)
  for d in docs/lifecycle.md docs/supervision.md; do [ -f "$d" ] && docs+=("$d"); done
fi
for doc in "${docs[@]}"; do
  [ -f "$doc" ] || { echo "check-walkthroughs: no such document: $doc" >&2; exit 2; }
  script=$(awk '/^```sh$/{on=1; next} /^```$/{on=0} on' "$doc")
  [ -n "$script" ] || { echo "check-walkthroughs: $doc has no \`\`\`sh block" >&2; exit 2; }
  echo "== $doc"
  bash -euo pipefail -c "$script" || { echo "check-walkthroughs: $doc failed" >&2; exit 1; }
done
