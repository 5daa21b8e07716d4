#!/usr/bin/env bash
# The whole deployment on this machine's loopback (issue 16 §5; docs/deploy.md; ADR 0021):
#   PostgreSQL primary + a streaming hot standby (pg_basebackup -R, synchronous by default),
#   Redis (its own instance, for the shared rate limits), N app processes (`beian serve`),
#   and HAProxy in front of them (health checks on /api/health, idempotent requests retried on
#   another process when one dies).
#
#   scripts/cluster.sh up [--no-demo] [--apps N] [--async|--sync]   start what is not running; the proxy URL is the last line
#   scripts/cluster.sh status                                      one line per part (by role: primary, standby)
#   scripts/cluster.sh failover                                    fence the primary, promote the standby, repoint the apps one at a time
#   scripts/cluster.sh rebuild-standby                             make the old primary a standby of the new one (pg_rewind, else pg_basebackup)
#   scripts/cluster.sh repoint                                     after pg_ctl by hand: record which server is the primary and which the standby, restart the apps on them one at a time
#   scripts/cluster.sh beian <command> [args…]                     a beian command (admin create, import, backup, keys status, …) on the primary, with the cluster's keys
#   scripts/cluster.sh down [--purge]                              stop everything it started (--purge: delete the state too)
#
# State (data, logs, pid files, chosen ports, generated keys, roles): $BEIAN_CLUSTER_DIR, default ./.cluster.
# Ports are free ones picked at the first `up` and kept in $STATE/ports.env; set BEIAN_CLUSTER_PROXY_PORT
# to choose the proxy's. Which data folder is the primary and which the standby, how many app processes
# and whether replication is synchronous are kept in $STATE/cluster.env (`up --apps N`, `--async`/`--sync`
# and `failover` change them). Missing Debian packages (postgresql, haproxy, redis-server, curl) are installed
# when run as root (apt-get), else named. PostgreSQL runs as the OS user `postgres` when run as root
# (it refuses root), with trust authentication on 127.0.0.1 only: a test and demo topology, not a
# production one (docs/deploy.md says what changes there; Patroni is the production failover).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE=${BEIAN_CLUSTER_DIR:-$ROOT/.cluster}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)

say() { echo "cluster: $*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }

# The usage lines are the header's `#   scripts/cluster.sh …` lines (counting lines printed one short).
usage_text() { grep '^#   scripts/cluster.sh ' "$0" | sed 's/^#   /usage: /'; }
usage() { usage_text >&2; exit 2; }

MAX_APPS=20   # the app ports chosen at the first `up` (choose_ports)
cmd=${1:-}; [ -n "$cmd" ] || usage; shift
case "$cmd" in -h|--help|help) usage_text; exit 0 ;; esac
demo=1; apps=; sync=; purge=0
# `beian …`: everything after it is the command's own.
beian_args=()
if [ "$cmd" = beian ]; then beian_args=("$@"); set --; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --no-demo) demo=0 ;;
    --apps) apps=${2:?--apps needs a number}; shift ;;
    --async) sync=0 ;;
    --sync) sync=1 ;;
    --purge) purge=1 ;;
    -h|--help) usage_text; exit 0 ;;
    *) usage ;;
  esac
  shift
done
if [ -n "$apps" ] && ! { [[ "$apps" =~ ^[0-9]+$ ]] && [ "$apps" -ge 1 ] && [ "$apps" -le "$MAX_APPS" ]; }; then
  die "--apps must be 1–$MAX_APPS"
fi

# ---------------------------------------------------------------------------------------------- tools
pg_bin() { local v; v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1); [ -n "$v" ] && echo "/usr/lib/postgresql/$v/bin"; }

ensure_packages() {
  local need=()
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/pg_basebackup" ] || need+=(postgresql)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v curl >/dev/null || need+=(curl)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${need[*]}; install them as root: apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# PostgreSQL refuses to run as root: as root, its commands run as `postgres`.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------- state
PORTS=$STATE/ports.env
SECRETS=$STATE/secrets.env
LOGS=$STATE/logs
PIDS=$STATE/pids

choose_ports() {
  [ -f "$PORTS" ] && return 0
  # Free ports from the kernel, held open together so they differ.
  local picked
  picked=$(node -e '
    const net = require("node:net"); const n = Number(process.argv[1]); const servers = [];
    let left = n; const ports = [];
    for (let i = 0; i < n; i++) { const s = net.createServer(); servers.push(s);
      s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); if (--left === 0) { console.log(ports.join(" ")); servers.forEach((x) => x.close()); } }); }
  ' $((5 + 20)))
  read -r -a p <<<"$picked"
  local proxy=${BEIAN_CLUSTER_PROXY_PORT:-${p[0]}}
  # PostgreSQL's data lives where the postgres user can reach it: under the state folder when every
  # folder above it is open to others, else in /var/lib/postgresql (e.g. a checkout under /root).
  local pgroot=$STATE/pg
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$STATE"; then
    pgroot=/var/lib/postgresql/beian-cluster-$(echo -n "$STATE" | sha1sum | cut -c1-12)
  fi
  cat > "$PORTS" <<EOF
PROXY_PORT=$proxy
STATS_PORT=${p[1]}
PG_PRIMARY_PORT=${p[2]}
PG_STANDBY_PORT=${p[3]}
REDIS_PORT=${p[4]}
APP_PORTS="${p[*]:5:20}"
PGROOT=$pgroot
EOF
}

# cluster.env: the roles and the choices that outlive one `up`. PRIMARY_NODE / STANDBY_NODE name the
# data folders under $PGROOT (`primary` and `standby`, as made by the first `up`; swapped by `failover`;
# STANDBY_NODE empty from a failover until `rebuild-standby`). Each folder keeps its port.
CLUSTER_ENV=$STATE/cluster.env
write_cluster_env() {
  printf 'APPS=%s\nSYNC=%s\nPRIMARY_NODE=%s\nSTANDBY_NODE=%s\n' "$APPS" "$SYNC" "$PRIMARY_NODE" "$STANDBY_NODE" > "$CLUSTER_ENV.tmp"
  mv "$CLUSTER_ENV.tmp" "$CLUSTER_ENV"
}

node_port() { case "$1" in primary) echo "$PG_PRIMARY_PORT" ;; standby) echo "$PG_STANDBY_PORT" ;; *) die "unknown node $1 in $CLUSTER_ENV" ;; esac; }
other_node() { if [ "$1" = primary ]; then echo standby; else echo primary; fi; }

load_state() {
  [ -f "$PORTS" ] || return 1
  # shellcheck disable=SC1090
  . "$PORTS"
  APPS=${BEIAN_CLUSTER_APPS:-2}; SYNC=1; PRIMARY_NODE=primary; STANDBY_NODE=standby
  # shellcheck disable=SC1090
  if [ -f "$CLUSTER_ENV" ]; then . "$CLUSTER_ENV"; fi
  read -r -a APP_PORT <<<"$APP_PORTS"
  PRIMARY=$PGROOT/$PRIMARY_NODE
  P_PORT=$(node_port "$PRIMARY_NODE")
  if [ -n "$STANDBY_NODE" ]; then STANDBY=$PGROOT/$STANDBY_NODE; S_PORT=$(node_port "$STANDBY_NODE"); else STANDBY=; S_PORT=; fi
  PGRUN=$PGROOT/run
  DB_URL=postgres://postgres@127.0.0.1:$P_PORT/beian
  READ_URL=${S_PORT:+postgres://postgres@127.0.0.1:$S_PORT/beian}
  REDIS_URL=redis://127.0.0.1:$REDIS_PORT
  PROXY_URL=http://127.0.0.1:$PROXY_PORT
}

secrets() {
  if [ ! -f "$SECRETS" ]; then
    (umask 077; printf 'BEIAN_DATA_KEYS=k1:%s\nBEIAN_HASH_KEY=%s\n' "$(openssl rand -base64 32)" "$(openssl rand -base64 32)" > "$SECRETS")
  fi
  # shellcheck disable=SC1090
  . "$SECRETS"
}

# ---------------------------------------------------------------------------------------------- parts
pg_running() { [ -f "$1/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$1" status >/dev/null 2>&1; }

pg_start() {
  local dir=$1 role=$2 port=$3
  pg_running "$dir" && return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$dir" -l "$PGROOT/$(basename "$dir").log" -w -t 60 start >/dev/null || { tail -20 "$PGROOT/$(basename "$dir").log" >&2; die "$role ($dir) did not start"; }
  say "$role on 127.0.0.1:$port ($dir)"
}

start_primary() {
  local bin; bin=$(pg_bin)
  mkdir -p "$PGROOT"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGROOT"
  as_pg mkdir -p "$PGRUN"
  if [ ! -f "$PRIMARY/PG_VERSION" ]; then
    [ "$PRIMARY_NODE" = primary ] || die "the primary's data ($PRIMARY) is missing: the roles in $CLUSTER_ENV name a folder that is gone"
    say "initdb primary ($PRIMARY)"
    # Data checksums: pg_rewind (rebuild-standby, docs/deploy-replication.md step 4) needs them (or
    # wal_log_hints) on the server it rewinds — and either node may be the one rewound one day.
    as_pg "$bin/initdb" -D "$PRIMARY" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 --data-checksums >"$LOGS/initdb.log" 2>&1 \
      || { cat "$LOGS/initdb.log" >&2; die "initdb failed"; }
    as_pg tee -a "$PRIMARY/postgresql.conf" >/dev/null <<EOF
# scripts/cluster.sh
listen_addresses = '127.0.0.1'
port = $P_PORT
unix_socket_directories = '$PGRUN'
cluster_name = 'primary'
max_connections = 200
wal_level = replica
max_wal_senders = 10
wal_keep_size = '256MB'
hot_standby = on
hot_standby_feedback = on
# Also for pg_rewind where checksums are off (a state folder made before they were turned on).
wal_log_hints = on
# synchronous_standby_names is set with ALTER SYSTEM by the script (sync_setting): 'standby1' when
# synchronous (a commit is acknowledged once the standby has it; docs/deploy-replication.md), '' else.
synchronous_commit = on
EOF
  fi
  pg_start "$PRIMARY" primary "$P_PORT"
}

# cluster_name is the application_name the primary sees (synchronous_standby_names = 'standby1').
standby_conf() {
  as_pg tee -a "$1/postgresql.conf" >/dev/null <<EOF
# scripts/cluster.sh: this folder's own port and name (the lines above were copied from the primary)
port = $2
cluster_name = 'standby1'
EOF
}

start_standby() {
  [ -n "$STANDBY_NODE" ] || return 0
  if [ ! -f "$STANDBY/PG_VERSION" ]; then
    say "pg_basebackup -R → standby ($STANDBY)"
    as_pg "$(pg_bin)/pg_basebackup" -h 127.0.0.1 -p "$P_PORT" -U postgres -D "$STANDBY" -R -X stream -c fast >"$LOGS/basebackup.log" 2>&1 \
      || { cat "$LOGS/basebackup.log" >&2; die "pg_basebackup failed"; }
    standby_conf "$STANDBY" "$S_PORT"
  fi
  pg_start "$STANDBY" standby "$S_PORT"
}

psql_at() { local port=$1; shift; as_pg "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -t -A "$@"; }
psql_primary() { psql_at "$P_PORT" "$@"; }

# synchronous_standby_names on the primary, from SYNC and whether there is a standby to wait for:
# without one (after a failover, until rebuild-standby) every commit would wait forever.
sync_setting() {
  local want="" now
  [ "$SYNC" = 1 ] && [ -n "$STANDBY_NODE" ] && want=standby1
  now=$(psql_primary -d postgres -c 'show synchronous_standby_names')
  [ "$now" = "$want" ] && return 0
  psql_primary -d postgres -c "alter system set synchronous_standby_names = '$want'" -c 'select pg_reload_conf()' >/dev/null
  say "synchronous_standby_names = '$want' on the primary"
}

create_database() {
  if [ -z "$(psql_primary -d postgres -c "select 1 from pg_database where datname = 'beian'")" ]; then
    psql_primary -d postgres -c 'create database beian' >/dev/null
    say "database beian created"
  fi
}

start_redis() {
  alive "$PIDS/redis.pid" && return 0
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$PIDS/redis.pid" --logfile "$LOGS/redis.log" --dir "$STATE"
  for _ in $(seq 1 50); do answers "$REDIS_PORT" && break; sleep 0.1; done
  answers "$REDIS_PORT" || die "redis did not start (log: $LOGS/redis.log)"
  say "redis on 127.0.0.1:$REDIS_PORT"
}

app_env() {
  local port=$1 i=$2
  echo DATABASE_URL="$DB_URL" DATABASE_READ_URL="$READ_URL" REDIS_URL="$REDIS_URL" TRUST_PROXY=127.0.0.1 \
    HOST=127.0.0.1 PORT="$port" PUBLIC_URL="$PROXY_URL" BEIAN_DATA_DIR="$STATE/app$i" \
    LOG_LEVEL="${BEIAN_CLUSTER_LOG_LEVEL:-warn}" BEIAN_DATA_KEYS="$BEIAN_DATA_KEYS" BEIAN_HASH_KEY="$BEIAN_HASH_KEY"
}

beian() { env $(app_env 0 0) node "$ROOT/bin/beian.js" "$@"; }

# The app processes run as in production (docs/deploy.md, ADR 0031): the built bundle with the
# memory-lean V8 flags. `up` builds it when it is missing or older than the sources (a build
# replaces dist/ and its hashed chunks, which running processes may still load: restarting one
# dead app must not pull the files from under the others).
APP_NODE_FLAGS=(--max-semi-space-size=8 --heap-growing-percent=30)
build_app() {
  if [ -f "$ROOT/dist/beian.mjs" ] && [ -z "$(find "$ROOT/src" "$ROOT/package.json" "$ROOT/scripts/build.ts" -newer "$ROOT/dist/beian.mjs" -type f -print -quit)" ]; then
    return 0
  fi
  (cd "$ROOT" && npm run --silent build >"$LOGS/build.log" 2>&1) || { tail -30 "$LOGS/build.log" >&2; die "npm run build failed (log: $LOGS/build.log)"; }
  say "built dist/beian.mjs"
}

start_app() {
  local i=$1 port=${APP_PORT[$(( $1 - 1 ))]}
  alive "$PIDS/app$i.pid" && return 0
  # A session of its own: `down` stops its whole process group.
  env $(app_env "$port" "$i") setsid node "${APP_NODE_FLAGS[@]}" "$ROOT/dist/beian.mjs" serve >"$LOGS/app$i.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/app$i.pid"
}

wait_app() {
  local i=$1 port=${APP_PORT[$(( $1 - 1 ))]}
  for _ in $(seq 1 240); do
    alive "$PIDS/app$i.pid" || { tail -30 "$LOGS/app$i.log" >&2; die "app $i exited (log: $LOGS/app$i.log)"; }
    curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && { say "app $i on 127.0.0.1:$port"; return 0; }
    sleep 0.5
  done
  die "app $i did not answer /api/health on $port within 120 s (log: $LOGS/app$i.log)"
}

write_haproxy() {
  {
    cat <<EOF
# scripts/cluster.sh — see docs/deploy.md and ADR 0021
global
  maxconn 4096
  pidfile $PIDS/haproxy.pid

defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  timeout queue 10s
  # A health check waits this long (without it, \`inter\` — 500 ms — bounds the whole check); /api/health
  # bounds its own wait for the primary to 1 s (docs/deploy.md "Health, and what the proxy does with it").
  timeout check 2s
  # A request that fails on one process is tried again on another (redispatch): always when the
  # connection could not be made; after it was sent only when idempotent (below).
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response junk-response response-timeout 502 503 504
  option forwardfor
  # What the proxy answers itself (no process up, a process's answer lost or late, a request it cannot
  # read) is problem+json like every answer of the processes, not HAProxy's HTML pages.
  http-error status 400 content-type "application/problem+json; charset=utf-8" string '{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_request","detail":"the proxy could not read the request"}'
  http-error status 408 content-type "application/problem+json; charset=utf-8" string '{"type":"about:blank","title":"Request Timeout","status":408,"code":"request_timeout","detail":"the request was not received in time"}'
  http-error status 502 content-type "application/problem+json; charset=utf-8" string '{"type":"about:blank","title":"Bad Gateway","status":502,"code":"bad_gateway","detail":"a server process gave no valid answer; retry"}'
  http-error status 503 content-type "application/problem+json; charset=utf-8" string '{"type":"about:blank","title":"Service Unavailable","status":503,"code":"no_server_available","detail":"no server process is available; retry"}' hdr retry-after 5
  http-error status 504 content-type "application/problem+json; charset=utf-8" string '{"type":"about:blank","title":"Gateway Timeout","status":504,"code":"gateway_timeout","detail":"the server process did not answer in time; a write may still complete: look before you retry it"}'

frontend beian
  bind 127.0.0.1:$PROXY_PORT
  # Metrics are read from each process directly, never through the public entrance. Matched on the
  # percent-decoded path, as any segment (the server decodes %6Detrics to /metrics; //metrics and
  # /./metrics are other spellings): no public route has a segment named metrics. (HAProxy 2.6's
  # normalize-uri is still experimental.)
  # Answered as the processes answer what they do not serve: problem+json (src/api/problem.ts).
  http-request return status 404 content-type "application/problem+json; charset=utf-8" lf-string '{"type":"about:blank","title":"Not Found","status":404,"code":"not_found","detail":"metrics are not served through the proxy: scrape each process at its own address (docs/deploy.md, What to watch)","instance":"%[path,json(utf8s)]"}' if { path,url_dec -m reg -i (^|/)metrics(/|$) }
  default_backend apps

backend apps
  balance roundrobin
  # A request sent and then lost (the process died) is retried only when repeating it is harmless:
  # GET/HEAD/OPTIONS, or a POST carrying an Idempotency-Key to a route that honours it (the server
  # replays its answer: src/api/idempotency.ts). Other POSTs are not repeated.
  acl safe_method method GET HEAD OPTIONS
  acl has_key req.hdr(idempotency-key) -m found
  acl keyed_route path /api/host/applications
  http-request disable-l7-retry if !safe_method !has_key
  http-request disable-l7-retry if !safe_method !keyed_route
  option httpchk
  http-check send meth GET uri /api/health
  http-check expect status 200
  default-server check inter 500ms fall 2 rise 2 maxconn 256
EOF
    for i in $(seq 1 "$APPS"); do echo "  server app$i 127.0.0.1:${APP_PORT[$(( i - 1 ))]}"; done
    cat <<EOF

listen stats
  bind 127.0.0.1:$STATS_PORT
  stats enable
  stats uri /
  stats refresh 5s
EOF
  } > "$STATE/haproxy.cfg"
}

start_haproxy() {
  write_haproxy
  "$HAPROXY" -c -q -f "$STATE/haproxy.cfg" || die "haproxy configuration refused ($STATE/haproxy.cfg)"
  if alive "$PIDS/haproxy.pid"; then
    # Already running: reload when the number of processes changed (a new config), else leave it.
    cmp -s "$STATE/haproxy.cfg" "$STATE/haproxy.cfg.running" && return 0
    "$HAPROXY" -D -f "$STATE/haproxy.cfg" -sf "$(cat "$PIDS/haproxy.pid")"
  else
    "$HAPROXY" -D -f "$STATE/haproxy.cfg"
  fi
  cp "$STATE/haproxy.cfg" "$STATE/haproxy.cfg.running"
  for _ in $(seq 1 40); do curl -sf "$PROXY_URL/api/health" >/dev/null && break; sleep 0.25; done
  curl -sf "$PROXY_URL/api/health" >/dev/null || die "the proxy does not answer on $PROXY_URL"
  say "haproxy on 127.0.0.1:$PROXY_PORT (stats: http://127.0.0.1:$STATS_PORT/)"
}

all_up() {
  pg_running "$PRIMARY" && alive "$PIDS/redis.pid" && alive "$PIDS/haproxy.pid" || return 1
  [ -z "$STANDBY_NODE" ] || pg_running "$STANDBY" || return 1
  for i in $(seq 1 "$APPS"); do alive "$PIDS/app$i.pid" || return 1; done
  # The running proxy sends to as many processes as asked now.
  write_haproxy && cmp -s "$STATE/haproxy.cfg" "$STATE/haproxy.cfg.running"
}

# Which node is which comes from cluster.env; a standby promoted by hand (pg_ctl promote, as
# docs/deploy-replication.md describes) is no longer one: `failover` records that (it skips the promotion).
check_roles() {
  if [ -n "$STANDBY_NODE" ] && [ -f "$STANDBY/PG_VERSION" ] && [ ! -f "$STANDBY/standby.signal" ]; then
    die "the standby ($STANDBY) was promoted outside this script: it is a primary now. With the old primary stopped, record it and repoint the apps with \`$0 repoint\` (or \`$0 failover\`, which stops the old primary itself), then \`$0 rebuild-standby\`"
  fi
  # The old primary rebuilt as a standby by hand (pg_rewind or pg_basebackup -R, step 4 of the manual
  # procedure): going on would clear synchronous_standby_names (no standby recorded) and leave it out
  # of the apps' reads.
  if rebuilt_by_hand; then
    die "the old primary ($PGROOT/$(other_node "$PRIMARY_NODE")) was rebuilt as a standby outside this script. Record it (synchronous again, in the apps' reads) with \`$0 repoint\` or \`$0 rebuild-standby\`"
  fi
}

# No standby recorded since a failover, but the other data folder is one (standby.signal): rebuilt by hand.
rebuilt_by_hand() { [ -z "$STANDBY_NODE" ] && [ -f "$PGROOT/$(other_node "$PRIMARY_NODE")/standby.signal" ]; }

# The choices of this `up` (--apps, --async/--sync) over the kept ones.
apply_choices() {
  if [ -n "$apps" ] && [ "$apps" != "$APPS" ]; then
    [ -f "$CLUSTER_ENV" ] && say "app processes: $APPS → $apps"
    APPS=$apps
  fi
  [ "$APPS" -le "${#APP_PORT[@]}" ] || die "--apps $APPS: at most ${#APP_PORT[@]} with the ports chosen at the first up"
  if [ -n "$sync" ] && [ "$sync" != "$SYNC" ]; then
    # Said, not silently ignored: an existing cluster switches mode (synchronous_standby_names, on reload).
    [ -f "$PRIMARY/PG_VERSION" ] && say "replication: $([ "$SYNC" = 1 ] && echo synchronous || echo asynchronous) → $([ "$sync" = 1 ] && echo synchronous || echo asynchronous)"
    SYNC=$sync
  fi
  write_cluster_env
}

# Restarts app processes one at a time (after a change of DATABASE_URL / DATABASE_READ_URL): the proxy
# serves from the others meanwhile; each must be back in the proxy's rotation before the next stops.
restart_apps() {
  for i in $(seq 1 "$APPS"); do
    stop_group "$PIDS/app$i.pid" "app$i"
    start_app "$i"
    wait_app "$i"
    wait_in_rotation "$i"
  done
}

wait_in_rotation() {
  alive "$PIDS/haproxy.pid" || return 0
  for _ in $(seq 1 40); do
    curl -sf "http://127.0.0.1:$STATS_PORT/;csv" | awk -F, -v s="app$1" '$1 == "apps" && $2 == s && $18 == "UP" { ok = 1 } END { exit !ok }' && return 0
    sleep 0.25
  done
  say "app$1 is not in the proxy's rotation after 10 s (stats: http://127.0.0.1:$STATS_PORT/)"
}

# ---------------------------------------------------------------------------------------------- commands
up() {
  ensure_packages
  mkdir -p "$LOGS" "$PIDS"
  choose_ports
  load_state
  apply_choices
  secrets
  check_roles
  if all_up; then
    pg_running "$PRIMARY" && sync_setting
    say "already up ($APPS app processes)"
    echo "$PROXY_URL"
    return 0
  fi
  start_primary
  start_standby
  [ -n "$STANDBY_NODE" ] || say "no standby since the failover: the old primary ($PGROOT/$(other_node "$PRIMARY_NODE")) waits for \`$0 rebuild-standby\`"
  sync_setting
  create_database
  start_redis
  # Migrate once before the processes start (each would otherwise race to), then the demo.
  beian migrate >"$LOGS/migrate.log" 2>&1 || { cat "$LOGS/migrate.log" >&2; die "migrate failed"; }
  if [ "$demo" = 1 ]; then
    if [ -z "$(psql_primary -d beian -c 'select 1 from users limit 1')" ]; then
      beian seed --demo >"$LOGS/seed.log" 2>&1 || { cat "$LOGS/seed.log" >&2; die "loading the demo data failed"; }
      say "demo data loaded (logins in README; API key demo-platform-key)"
    fi
  fi
  build_app
  for i in $(seq 1 "$APPS"); do start_app "$i"; done
  for i in $(seq 1 "$APPS"); do wait_app "$i"; done
  start_haproxy
  # Fewer processes than before: the proxy no longer sends to the others, so they stop.
  for f in "$PIDS"/app*.pid; do
    [ -e "$f" ] || continue
    local n; n=$(basename "$f" .pid); n=${n#app}
    [ "$n" -gt "$APPS" ] && stop_group "$f" "app$n"
  done
  echo "$PROXY_URL"
}

# docs/deploy-replication.md "Failover", steps 1–3, on this layout.
failover() {
  mkdir -p "$LOGS" "$PIDS"
  load_state || die "nothing to fail over (no $PORTS)"
  secrets
  [ -n "$STANDBY_NODE" ] && [ -f "$STANDBY/PG_VERSION" ] || die "no standby to promote (after a failover, \`$0 rebuild-standby\` makes one)"
  local bin; bin=$(pg_bin)
  # 1. The old primary stays down: two primaries would hand out the same numbers.
  if pg_running "$PRIMARY"; then
    as_pg "$bin/pg_ctl" -D "$PRIMARY" -m fast -w -t 30 stop >/dev/null 2>&1 || as_pg "$bin/pg_ctl" -D "$PRIMARY" -m immediate -w stop >/dev/null
    say "stopped the old primary ($PRIMARY): it stays down until rebuild-standby"
  fi
  # 2. Promote (unless it was promoted by hand already).
  pg_start "$STANDBY" standby "$S_PORT"
  if [ -f "$STANDBY/standby.signal" ]; then
    as_pg "$bin/pg_ctl" -D "$STANDBY" -w -t 60 promote >/dev/null || die "pg_ctl promote failed ($PGROOT/$STANDBY_NODE.log)"
    say "promoted $STANDBY"
  fi
  local old=$PRIMARY_NODE
  PRIMARY_NODE=$STANDBY_NODE; STANDBY_NODE=
  write_cluster_env
  load_state
  # No standby to wait for: the base backup copied synchronous_standby_names = 'standby1'.
  sync_setting
  # 3. Repoint the apps: DATABASE_URL names the new primary, no DATABASE_READ_URL until a standby is rebuilt.
  build_app
  restart_apps
  say "failover done: the primary is $PRIMARY on 127.0.0.1:$P_PORT; make the old one ($PGROOT/$old) a standby with \`$0 rebuild-standby\`"
  echo "$PROXY_URL"
}

# docs/deploy-replication.md "Failover", step 4: pg_rewind the old primary onto the new one's
# timeline (data checksums / wal_log_hints make that possible), else copy it anew with
# pg_basebackup -R; start it as the standby, make it synchronous again, add it to the apps' reads.
rebuild_standby() {
  mkdir -p "$LOGS" "$PIDS"
  load_state || die "nothing to rebuild (no $PORTS)"
  secrets
  if [ -n "$STANDBY_NODE" ]; then say "there is a standby already ($STANDBY)"; echo "$PROXY_URL"; return 0; fi
  pg_running "$PRIMARY" || die "the primary ($PRIMARY) is not running: \`$0 up\` first"
  local bin node dir port how
  bin=$(pg_bin); node=$(other_node "$PRIMARY_NODE"); dir=$PGROOT/$node; port=$(node_port "$node")
  # Rebuilt by hand already (docs/deploy-replication.md, step 4): recorded as it is when it streams.
  if rebuilt_by_hand; then
    pg_start "$dir" standby "$port"
    for _ in $(seq 1 40); do
      [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ] && break
      sleep 0.5
    done
    if [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ]; then
      STANDBY_NODE=$node
      write_cluster_env
      load_state
      sync_setting
      say "standby rebuilt by hand recorded: $STANDBY on 127.0.0.1:$S_PORT streams from the primary"
      build_app
      restart_apps
      echo "$PROXY_URL"
      return 0
    fi
    say "the standby rebuilt by hand ($dir) does not stream as standby1: rebuilding it"
  fi
  if pg_running "$dir"; then as_pg "$bin/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null; say "stopped the old primary ($dir)"; fi
  # A just-promoted primary may not have written its new timeline into its control file yet.
  psql_primary -d postgres -c checkpoint >/dev/null
  how=
  if [ -f "$dir/PG_VERSION" ] && as_pg "$bin/pg_rewind" --target-pgdata="$dir" --source-server="host=127.0.0.1 port=$P_PORT user=postgres dbname=postgres" \
      --write-recovery-conf --progress >"$LOGS/rewind.log" 2>&1; then
    how=pg_rewind
  else
    [ -f "$dir/PG_VERSION" ] && say "pg_rewind failed ($LOGS/rewind.log): copying the primary anew with pg_basebackup"
    as_pg rm -rf "$dir"
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$P_PORT" -U postgres -D "$dir" -R -X stream -c fast >"$LOGS/basebackup.log" 2>&1 \
      || { cat "$LOGS/basebackup.log" >&2; die "pg_basebackup failed"; }
    how=pg_basebackup
  fi
  standby_conf "$dir" "$port"
  STANDBY_NODE=$node
  write_cluster_env
  load_state
  pg_start "$STANDBY" standby "$S_PORT"
  for _ in $(seq 1 120); do
    [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ] && break
    sleep 0.5
  done
  [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ] \
    || die "the rebuilt standby does not stream ($PGROOT/$node.log)"
  sync_setting
  say "standby rebuilt with $how: $STANDBY on 127.0.0.1:$S_PORT streams from the primary"
  build_app
  restart_apps
  echo "$PROXY_URL"
}

# docs/deploy-replication.md "Failover", by hand: step 3 after steps 1–2 (pg_ctl stop, pg_ctl promote),
# and again after step 4 (pg_rewind, the old primary started as standby1). Records the roles the
# servers have now (cluster.env) and restarts the apps one at a time with DATABASE_URL on the primary
# and DATABASE_READ_URL on the standby. It changes no server: it refuses two primaries (step 1 not
# done) and a primary that does not run.
repoint() {
  mkdir -p "$LOGS" "$PIDS"
  load_state || die "nothing to repoint (no $PORTS)"
  secrets
  local other; other=$PGROOT/$(other_node "$PRIMARY_NODE")
  # Steps 1–2 done by hand: the recorded standby is a primary now.
  if [ -n "$STANDBY_NODE" ] && [ -f "$STANDBY/PG_VERSION" ] && [ ! -f "$STANDBY/standby.signal" ]; then
    if pg_running "$PRIMARY" && [ ! -f "$PRIMARY/standby.signal" ]; then
      die "two primaries: $STANDBY was promoted while the old primary ($PRIMARY) still runs. Stop the old primary first (step 1): pg_ctl -D $PRIMARY -m fast stop"
    fi
    say "the standby ($STANDBY) was promoted: it is the primary now"
    PRIMARY_NODE=$STANDBY_NODE; STANDBY_NODE=
  fi
  write_cluster_env
  load_state
  pg_running "$PRIMARY" || die "the primary ($PRIMARY) is not running (start it, or promote the standby: docs/deploy-replication.md)"
  [ "$(psql_primary -d postgres -c 'select pg_is_in_recovery()')" = f ] || die "$PRIMARY is still in recovery: promote it first (step 2: pg_ctl -D $PRIMARY -w promote)"
  # Step 4 done by hand: the other folder runs as a standby; recorded once it streams as standby1.
  if rebuilt_by_hand; then
    other=$PGROOT/$(other_node "$PRIMARY_NODE")
    pg_running "$other" || die "the rebuilt standby ($other) is not running: start it (pg_ctl -D $other -l $other.log start)"
    for _ in $(seq 1 40); do
      [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ] && break
      sleep 0.5
    done
    [ -n "$(psql_primary -d postgres -c "select 1 from pg_stat_replication where application_name = 'standby1' and state = 'streaming'")" ] \
      || die "the rebuilt standby ($other) does not stream from the primary as standby1 (its log: $other.log)"
    STANDBY_NODE=$(other_node "$PRIMARY_NODE")
    write_cluster_env
    load_state
    say "the rebuilt standby ($STANDBY) streams from the primary: recorded"
  fi
  sync_setting
  build_app
  restart_apps
  say "apps restarted: DATABASE_URL=$DB_URL DATABASE_READ_URL=${READ_URL:-(none)}"
  echo "$PROXY_URL"
}

# A beian command on this cluster: DATABASE_URL = the primary, the generated keys (secrets.env). E.g.
# the first administrator after `up --no-demo` (README, "Production set-up").
run_beian() {
  [ ${#beian_args[@]} -gt 0 ] || die "usage: $0 beian <command> [args…] (e.g. admin create --login <login> --email <email>)"
  load_state || die "no cluster here (no $PORTS): \`$0 up\` first"
  secrets
  check_roles
  pg_running "$PRIMARY" || die "the primary ($PRIMARY) is not running: \`$0 up\` first"
  beian "${beian_args[@]}"
}

stop_group() {
  local pidfile=$1 name=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    say "stopped $name"
  fi
  rm -f "$pidfile"
}

down() {
  load_state || { say "nothing to stop (no $PORTS)"; return 0; }
  stop_group "$PIDS/haproxy.pid" haproxy
  rm -f "$STATE/haproxy.cfg.running"
  for f in "$PIDS"/app*.pid; do [ -e "$f" ] && stop_group "$f" "$(basename "$f" .pid)"; done
  if alive "$PIDS/redis.pid"; then kill "$(cat "$PIDS/redis.pid")"; say "stopped redis"; fi
  rm -f "$PIDS/redis.pid"
  local bin; bin=$(pg_bin)
  # Both data folders, whatever their roles: the standby first.
  for d in ${STANDBY:+"$STANDBY"} "$PGROOT/$(other_node "$PRIMARY_NODE")" "$PRIMARY"; do
    if pg_running "$d"; then as_pg "$bin/pg_ctl" -D "$d" -m fast -w stop >/dev/null; say "stopped $d"; fi
  done
  if [ "$purge" = 1 ]; then
    rm -rf "$PGROOT"
    rm -rf "$STATE"
    say "purged $STATE"
  fi
}

status() {
  load_state || { echo "down (no $PORTS)"; return 3; }
  local bad=0
  line() { printf '%-10s %-6s %s\n' "$1" "$2" "$3"; [ "$2" = up ] || bad=1; }
  if pg_running "$PRIMARY"; then
    line primary up "127.0.0.1:$P_PORT ($PRIMARY_NODE) $(psql_primary -d postgres -c "select case when pg_is_in_recovery() then 'NOT A PRIMARY (in recovery)! ' else '' end || 'standbys: ' || coalesce(string_agg(application_name || ' ' || state || ' ' || sync_state || ' replay_lag=' || coalesce(replay_lag::text, '0'), ', '), 'none') from pg_stat_replication")"
  else line primary down "127.0.0.1:$P_PORT ($PRIMARY_NODE)"; fi
  if rebuilt_by_hand; then
    line standby down "none recorded: the old primary ($PGROOT/$(other_node "$PRIMARY_NODE")) was rebuilt by hand as a standby; record it with \`$0 rebuild-standby\`"
  elif [ -z "$STANDBY_NODE" ]; then
    line standby down "none since the failover: the old primary ($PGROOT/$(other_node "$PRIMARY_NODE")) waits for \`$0 rebuild-standby\`"
  elif pg_running "$STANDBY"; then
    line standby up "127.0.0.1:$S_PORT ($STANDBY_NODE) $(psql_at "$S_PORT" -d postgres -c "select 'in recovery: ' || pg_is_in_recovery() || ', replayed ' || coalesce(pg_last_wal_replay_lsn()::text, '-') || ', receiver ' || coalesce((select status from pg_stat_wal_receiver), 'none')")"
  else line standby down "127.0.0.1:$S_PORT ($STANDBY_NODE)"; fi
  if alive "$PIDS/redis.pid" && answers "$REDIS_PORT"; then line redis up "127.0.0.1:$REDIS_PORT"; else line redis down "127.0.0.1:$REDIS_PORT"; fi
  local n=0
  for i in $(seq 1 "$APPS"); do
    n=$((n + 1))
    local port=${APP_PORT[$(( i - 1 ))]}
    if alive "$PIDS/app$i.pid" && curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; then line "app$i" up "127.0.0.1:$port pid $(cat "$PIDS/app$i.pid")"; else line "app$i" down "127.0.0.1:$port"; fi
  done
  if alive "$PIDS/haproxy.pid" && curl -sf "$PROXY_URL/api/health" >/dev/null; then
    line haproxy up "$PROXY_URL $(curl -sf "http://127.0.0.1:$STATS_PORT/;csv" | awk -F, '$1 == "apps" && $2 ~ /^app/ { printf "%s=%s ", $2, $18 }')"
  else line haproxy down "$PROXY_URL"; fi
  return $bad
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  failover) failover ;;
  rebuild-standby) rebuild_standby ;;
  repoint) repoint ;;
  beian) run_beian ;;
  *) usage ;;
esac
