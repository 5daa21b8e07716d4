#!/usr/bin/env bash
# Runs every ```sh block of docs/lifecycle.md in order against $BASE (default http://127.0.0.1:3000),
# so the walkthrough stays true. Needs curl and jq, and a fresh server with the demo data (`npm start`).
set -euo pipefail
cd "$(dirname "$0")/.."
script=$(awk '/^```sh$/{on=1; next} /^```$/{on=0} on' docs/lifecycle.md)
bash -euo pipefail -c "$script"
