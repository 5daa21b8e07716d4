#!/usr/bin/env bash
# Ensures the Debian packages beian's tests and CI need, installing only those missing.
#   bash scripts/system-deps.sh          everything .ci/run needs
#   bash scripts/system-deps.sh --test   what `npm test` needs (run by its pretest): the analyzer's reference
#                                        tools (apksigner, aapt, framework-res, openssl, keytool/jarsigner),
#                                        Chromium and a CJK font for the browser journeys, redis-server for the
#                                        shared rate-limit tests; PostgreSQL's server programs and HAProxy
#                                        for the cluster smoke test (tests/cluster, scripts/cluster.sh)
# The full set adds PostgreSQL (scripts/test-postgres.sh), jq and curl (scripts/check-walkthroughs.sh).
# Silent when everything is present. Missing packages: as root it installs them (saying which, in one line);
# otherwise it stops with ONE line on stderr naming the apt-get command to run as root, and exit status 1.
# Nothing is ever skipped: a test whose tool is missing fails, naming the package.
set -euo pipefail

mode=all
case "${1:-}" in
  --test) mode=test ;;
  "") ;;
  *) echo "usage: system-deps.sh [--test]" >&2; exit 2 ;;
esac

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have apksigner || need+=(apksigner)
have aapt || need+=(aapt)
[ -f /usr/share/android-framework-res/framework-res.apk ] || need+=(android-framework-res)
have openssl || need+=(openssl)
have keytool || need+=(openjdk-17-jdk-headless)
have jarsigner || need+=(openjdk-17-jdk-headless)
have chromium || need+=(chromium)
# fc-list comes with fontconfig (a Chromium dependency); without it the font is surely missing too.
{ have fc-list && fc-list : family | grep -qi 'wenquanyi\|wqy'; } || need+=(fonts-wqy-zenhei)
have redis-server || need+=(redis-server)
# The cluster smoke test: its own primary + standby (initdb, pg_basebackup) and HAProxy in front.
compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' >/dev/null || need+=(postgresql)
{ have haproxy || [ -x /usr/sbin/haproxy ]; } || need+=(haproxy)
if [ "$mode" = all ]; then
  have jq || need+=(jq)
  have curl || need+=(curl)
  have pg_config || need+=(postgresql postgresql-contrib)
  { have pg_config && ls "$(pg_config --sharedir)/extension" 2>/dev/null | grep -q '^pg_trgm'; } || need+=(postgresql-contrib)
fi

[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages ${need[*]}; install them as root: apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
