#!/usr/bin/env bash
# Runs every ```sh block of docs/api.md in order against $BASE (default http://127.0.0.1:3000); kept for
# scripts that call it by this name — scripts/check-walkthroughs.sh does the work (and takes any documents).
exec bash "$(dirname "$0")/check-walkthroughs.sh" docs/api.md
