#!/usr/bin/env bash
# Runs every ```sh block of a walkthrough (docs/api.md, or the page given) in order against $BASE (default http://127.0.0.1:3000),
# so the walkthrough stays true. Needs curl and jq, and a server with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
page=${1:-docs/api.md}
script=$(awk '/^```sh$/{on=1; next} /^```$/{on=0} on' "$page")
bash -euo pipefail -c "$script"
