#!/usr/bin/env bash
# Install everything the tests need, lint, then run the whole test suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
python3 -m ruff check .
exec python3 -m pytest "$@"
