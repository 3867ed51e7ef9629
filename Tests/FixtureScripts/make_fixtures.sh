#!/usr/bin/env bash
# Regenerates Tests/RiskKernelsTests/Fixtures from the pinned peers in a private venv.
# Tests never run Python: the JSON files are committed.
set -euo pipefail
cd "$(dirname "$0")"
VENV=../../.venv-fixtures
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r requirements.txt
fi
"$VENV/bin/python" make_covariance.py
"$VENV/bin/python" make_riskparity.py
"$VENV/bin/python" make_liquidation.py
"$VENV/bin/python" make_first_passage_tails.py
"$VENV/bin/python" make_riskmeasures.py
"$VENV/bin/python" make_stambaugh.py
python3 make_cascade.py
"$VENV/bin/python" make_sobol.py
