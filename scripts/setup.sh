#!/usr/bin/env bash
# Installs what Geitonia needs on a Debian/Ubuntu machine, and only what is missing:
# system packages (PostgreSQL + PostGIS, GDAL/GEOS/PROJ, Python venv, Node.js), the Python
# environment in .venv from pyproject.toml, and the front-end packages with `npm ci`.
# Usage: scripts/setup.sh [run|test|bench]   (test also installs Chromium for browser tests)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PURPOSE=${1:-run}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages() {
  local p out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  echo "${out[@]:-}"
}

apt_install() {
  local need
  need=$(missing_packages "$@")
  [ -z "$need" ] && return 0
  say "Installing system packages: $need"
  if [ ! -f "$ROOT/var/.apt-updated" ] || [ -n "$(find "$ROOT/var/.apt-updated" -mmin +1440 2>/dev/null)" ]; then
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get update -q
    mkdir -p "$ROOT/var" && touch "$ROOT/var/.apt-updated"
  fi
  # shellcheck disable=SC2086
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
}

# --- system packages -------------------------------------------------------------------------
BASE_PKGS=(ca-certificates postgresql gdal-bin gettext python3 python3-venv util-linux)
command -v npm >/dev/null 2>&1 || BASE_PKGS+=(nodejs npm)
# Browser tests and the map-page benchmark drive Debian's Chromium (never a downloaded browser).
# libatomic1: the Node.js that the playwright package bundles as its driver links against it.
case "$PURPOSE" in test|bench) BASE_PKGS+=(chromium fonts-dejavu-core fonts-noto-core libatomic1) ;; esac
apt_install "${BASE_PKGS[@]}"
PGVER=$(ls /usr/lib/postgresql/ | sort -V | tail -1)
apt_install "postgresql-$PGVER-postgis-3"

# --- Python environment ----------------------------------------------------------------------
PY=/usr/bin/python3
STAMP=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  say "Creating the Python environment in .venv"
  "$PY" -m venv .venv
fi
if [ ! -f "$STAMP" ]; then
  say "Installing Python packages from pyproject.toml"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  rm -f .venv/.installed-* && touch "$STAMP"
fi

# --- front-end packages ----------------------------------------------------------------------
LOCKSTAMP=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$LOCKSTAMP" ]; then
  say "Installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$LOCKSTAMP"
fi

# --- translations: .mo files are build output, compiled from the .po files in locale/ ---------
if [ -n "$(find locale -name '*.po' -newer locale/.compiled 2>/dev/null)" ] || [ ! -f locale/.compiled ]; then
  say "Compiling translations"
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
  touch locale/.compiled
fi
