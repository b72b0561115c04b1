#!/usr/bin/env bash
# Install everything the tests need, lint, then run the whole test suite (browser tests included).
# The storage tests also run on PostgreSQL: scripts/postgres.sh installs Debian's postgresql if missing, starts a
# server on 127.0.0.1 (or finds it running) and prints its URL; a CONFIGURATOR_TEST_POSTGRES_URL set beforehand is
# used as it is. CONFIGURATOR_REQUIRE_POSTGRES=1 makes those tests fail, not skip, should the URL be missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
python3 -m ruff check .
if [[ -z "${CONFIGURATOR_TEST_POSTGRES_URL:-}" ]]; then
    CONFIGURATOR_TEST_POSTGRES_URL=$(bash scripts/postgres.sh)
fi
export CONFIGURATOR_TEST_POSTGRES_URL CONFIGURATOR_REQUIRE_POSTGRES=1
exec python3 -m pytest "$@"
