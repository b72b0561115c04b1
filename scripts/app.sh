#!/usr/bin/env bash
# Start the configurator on http://localhost:8501 (saved designs in an embedded SQLite file by default;
# DATABASE_URL selects another database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"  # one thread a session: two malloc arenas keep the memory down
exec python3 -m streamlit run app.py --browser.gatherUsageStats false "$@"
