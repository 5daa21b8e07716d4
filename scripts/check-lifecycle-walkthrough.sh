#!/usr/bin/env bash
# Runs every ```sh block of docs/lifecycle.md in order against $BASE (default http://127.0.0.1:3000), a server
# with fresh demo data; kept for scripts that call it by this name — scripts/check-walkthroughs.sh does the work.
exec bash "$(dirname "$0")/check-walkthroughs.sh" docs/lifecycle.md
