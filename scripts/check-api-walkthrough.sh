#!/usr/bin/env bash
# Runs every ```sh block of docs/api.md in order against $BASE (default http://127.0.0.1:3000),
# so the walkthrough stays true. Needs curl and jq, and a server with the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
script=$(awk '/^```sh$/{on=1; next} /^```$/{on=0} on' docs/api.md)
bash -euo pipefail -c "$script"
