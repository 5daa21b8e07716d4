#!/usr/bin/env bash
# `npm test`'s pretest (README: `npm install && npm test` is all a fresh machine needs): ensures the Debian
# tools the suite runs against (scripts/system-deps.sh --test: installs as root, else stops naming the
# apt-get command), then a Redis on 127.0.0.1:6379 for the shared rate-limit tests (started here when
# none answers, as a daemon without persistence). Silent and quick when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh --test
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
  (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || { echo "pretest: redis-server did not start on 127.0.0.1:6379" >&2; exit 1; }
  echo "pretest: started redis-server on 127.0.0.1:6379 (the rate-limit tests need it)"
fi
