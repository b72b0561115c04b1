#!/usr/bin/env bash
# Install everything the tests need, lint, then run the whole test suite (browser tests included); arguments, if any,
# go to a single pytest run instead (`bash scripts/test.sh tests/test_sizes.py -x`).
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
if [[ $# -gt 0 ]]; then
    exec python3 -m pytest "$@"
fi
# The library's and AppTest's tests on both cores (each file in one worker, tests/conftest.py groups them); then the
# tests that drive servers and browsers, one at a time, with the machine to themselves (their pages wait on the
# server's runs: shared cores make them slow and their waits long).
SERVERS=(tests/test_browser.py tests/test_browser_stones.py tests/test_browser_staff_stones.py tests/test_browser_trust.py
         tests/test_browser_viewer.py tests/test_browser_home.py tests/test_two_servers.py tests/test_load.py
         tests/test_deploy.py)
python3 -m pytest -n 2 --dist loadgroup --durations=25 "${SERVERS[@]/#/--ignore=}"
exec python3 -m pytest --durations=25 "${SERVERS[@]}"
