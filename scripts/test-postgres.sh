#!/usr/bin/env bash
# Prints a postgres:// URL for the test suite: the server answering on 127.0.0.1:5432 when
# there is one, otherwise a throw-away cluster made with Debian's initdb in a temporary folder.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  for user in postgres root "$(id -un)"; do
    if psql -h 127.0.0.1 -p 5432 -U "$user" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
      echo "postgres://$user@127.0.0.1:5432/postgres"; exit 0
    fi
  done
  echo "test-postgres: a server answers on 127.0.0.1:5432 but refuses users postgres/root without a password; set DATABASE_URL" >&2
  exit 1
fi
bindir=$(pg_config --bindir)
dir=$(mktemp -d /tmp/beian-pg.XXXXXX)
port=55432
run=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
  chown postgres "$dir"
  run=(runuser -u postgres --)
fi
"${run[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "-h 127.0.0.1 -p $port -k $dir" -l "$dir/log" -w start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
