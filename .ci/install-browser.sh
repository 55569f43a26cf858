#!/usr/bin/env bash
# Install the headless browser the site and JupyterLab tests drive (Debian's chromium, driven by
# Playwright through /usr/bin/chromium). Does nothing if it is already there. Needs root (CI runs as
# root) or passwordless sudo; apt-get only, no download of Playwright's own browser builds.
set -euo pipefail
BROWSER=/usr/bin/chromium
if [ -x "$BROWSER" ]; then
    echo "browser: $BROWSER already installed"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "error: $BROWSER is missing and this user cannot install it; run as root: apt-get install -y chromium chromium-driver" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
[ -x "$BROWSER" ] || { echo "error: installed chromium but $BROWSER is still missing" >&2; exit 1; }
echo "browser: installed $("$BROWSER" --version 2>/dev/null || echo "$BROWSER")"
