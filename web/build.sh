#!/usr/bin/env bash
# Build the web app into web/dist. Idempotent and quiet:
#   - `npm ci` only when node_modules is missing or package-lock.json changed since the last install;
#   - `npm run build` only when a source changed since the last build (or with --force).
# Usage: web/build.sh [deps] [--force]
#   deps     install dependencies only (used by e2e/run.sh)
#   --force  rebuild even when nothing changed
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
WEB_DIR=$(pwd)
MODE=build
FORCE=0
for arg in "$@"; do
  case "$arg" in
    deps) MODE=deps ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if ! command -v npm >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  # A fresh Debian machine: Debian's nodejs (18+) builds the app too.
  echo "build.sh: installing nodejs and npm (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
command -v npm >/dev/null || { echo "build.sh: npm not found (Node 18+ is needed)" >&2; exit 1; }

LOG=$(mktemp -t greenmarket-web-build.XXXXXX)
trap 'rm -f "$LOG"' EXIT

run_quiet() { # run a step; show its output only when it fails
  if ! "$@" >"$LOG" 2>&1; then
    echo "build.sh: '$*' failed:" >&2
    tail -n 60 "$LOG" >&2
    exit 1
  fi
}

# One build at a time (the up command and a developer may both call us).
exec 9>"$WEB_DIR/.build.lock"
flock 9

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.greenmarket-lock.sha256
if [[ ! -d node_modules || ! -f $stamp || "$(cat "$stamp")" != "$lock_hash" ]]; then
  # --ignore-scripts: nothing here needs an install script (esbuild ships its binary as an
  # optional package; playwright-core never downloads a browser).
  run_quiet npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
  echo "web: dependencies installed"
fi

[[ $MODE == deps ]] && exit 0

src_hash=$( (find src public -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum index.html vite.config.ts tsconfig.json package-lock.json) | sha256sum | cut -d' ' -f1)
build_stamp=node_modules/.greenmarket-build.sha256
if [[ $FORCE == 0 && -f $build_stamp && "$(cat "$build_stamp")" == "$src_hash" && -f dist/index.html ]]; then
  echo "web: dist is up to date"
  exit 0
fi

run_quiet npm run build
echo "$src_hash" >"$build_stamp"
echo "web: built $(du -sh dist | cut -f1) into $WEB_DIR/dist"
