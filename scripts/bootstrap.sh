#!/usr/bin/env bash
# Make uv (pinned) and the workspace's virtualenv present. Idempotent and silent when all is there.
# uv comes from PyPI through pip, never from a download script.
set -euo pipefail

UV_VERSION=0.13.9
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.local/bin:$PATH"

have() { command -v "$1" >/dev/null 2>&1; }

if ! have uv; then
    echo "bootstrap: installing uv $UV_VERSION from PyPI (pip --user)" >&2
    if ! python3 -m pip --version >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ] && have apt-get; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null
            apt-get install -y -qq python3-pip >/dev/null
        else
            echo "bootstrap: python3 has no pip; install it (Debian: apt-get install python3-pip)" >&2
            exit 1
        fi
    fi
    # Debian marks its python3 "externally managed": a --user install then needs the override.
    python3 -m pip install --user --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>/dev/null \
        || python3 -m pip install --user --quiet --disable-pip-version-check --break-system-packages "uv==$UV_VERSION"
    have uv || { echo "bootstrap: uv installed but not on PATH ($HOME/.local/bin)" >&2; exit 1; }
fi

uv sync --frozen --quiet
