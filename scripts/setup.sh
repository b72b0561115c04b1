#!/usr/bin/env bash
# Install what the app and the tests need on a fresh machine: Python packages, and Debian's Chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it cannot download a browser of its own here).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "${1:-requirements.txt}"
if [[ "${1:-}" == "requirements-dev.txt" && ! -x /usr/bin/chromium ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
