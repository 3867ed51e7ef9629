#!/usr/bin/env bash
# Creates Benchmarks/peers/.venv with the pinned peers (requirements.txt), or brings it up to
# date when requirements.txt changed since the last install. Run from the repository root.
set -euo pipefail
VENV=Benchmarks/peers/.venv
REQ=Benchmarks/peers/requirements.txt
STAMP="$VENV/.requirements"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! cmp -s "$REQ" "$STAMP"; then
  "$VENV/bin/pip" install -q -r "$REQ"
  cp "$REQ" "$STAMP"
fi
