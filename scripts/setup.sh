#!/usr/bin/env bash
# Install what the app and the tests need on a fresh machine: Python packages, and for the tests Debian's Chromium
# (Playwright drives /usr/bin/chromium; it cannot download a browser of its own here), ADMesh (the outside judge
# of every exported STL), poppler-utils (pdftotext reads each sheet back as its reader would) and nginx (the proxy in
# front of several app servers: deploy/, tests/test_deploy.py).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "${1:-requirements.txt}"
# The browser's 3D viewer (model-viewer, three.js's Draco decoder) and, for the tests, the Khronos glTF validator:
# from the npm registry, as webapp/viewer/package-lock.json pins them; the app serves them itself.
if [[ ! -f webapp/viewer/node_modules/.package-lock.json || webapp/viewer/package-lock.json -nt webapp/viewer/node_modules/.package-lock.json ]]; then
    npm ci --prefix webapp/viewer --no-audit --no-fund --loglevel=error >/dev/null
fi
[[ -f webapp/viewer/studio.hdr ]] || python3 -c "from webapp.studio import write_studio_hdr; write_studio_hdr('webapp/viewer/studio.hdr')"
if [[ "${1:-}" == "requirements-dev.txt" && ( ! -x /usr/bin/chromium || ! -x /usr/bin/admesh || ! -x /usr/bin/pdftotext || ! -x /usr/sbin/nginx ) ]]; then
    packages="chromium admesh poppler-utils nginx"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
    fi
fi
