#!/usr/bin/env bash
# Runs every ```sh block of each walkthrough in order against $BASE (default http://127.0.0.1:3000),
# so the walkthroughs stay true: docs/api.md (a first filing), then docs/lifecycle.md (what comes
# after the number), or the pages given as arguments. Needs curl and jq, and a server with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=("$@")
[ ${#pages[@]} -eq 0 ] && pages=(docs/api.md docs/lifecycle.md)
for page in "${pages[@]}"; do
  echo "== $page"
  script=$(awk '/^```sh$/{on=1; next} /^```$/{on=0} on' "$page")
  bash -euo pipefail -c "$script"
done
