#!/usr/bin/env bash
# Install what the app and the tests need on a fresh machine: Python packages, and for the tests Debian's Chromium
# (Playwright drives /usr/bin/chromium; it cannot download a browser of its own here), ADMesh (the outside judge
# of every exported STL) and poppler-utils (pdftotext reads each sheet back as its reader would).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "${1:-requirements.txt}"
if [[ "${1:-}" == "requirements-dev.txt" && ( ! -x /usr/bin/chromium || ! -x /usr/bin/admesh || ! -x /usr/bin/pdftotext ) ]]; then
    packages="chromium admesh poppler-utils"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    fi
fi
