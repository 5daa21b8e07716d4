#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing:
# reference tools for the package analyzer (apksigner, aapt, openssl, keytool/jarsigner),
# Chromium and a CJK font for the browser journeys, and a PostgreSQL server.
# Needs root (apt-get); prints what it would install otherwise.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have apksigner || need+=(apksigner)
have aapt || need+=(aapt)
[ -f /usr/share/android-framework-res/framework-res.apk ] || need+=(android-framework-res)
have openssl || need+=(openssl)
have jq || need+=(jq)
have curl || need+=(curl)
have keytool || need+=(openjdk-17-jdk-headless)
have jarsigner || need+=(openjdk-17-jdk-headless)
have chromium || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy' || need+=(fonts-wqy-zenhei)
have pg_config || need+=(postgresql postgresql-contrib)
[ -d "$(pg_config --sharedir 2>/dev/null)/extension" ] && ls "$(pg_config --sharedir)/extension" | grep -q '^pg_trgm' || need+=(postgresql-contrib)

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: everything present"
  exit 0
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${need[*]} (run as root: apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
