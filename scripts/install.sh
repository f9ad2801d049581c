#!/usr/bin/env bash
# Install what govreports needs on a machine that has Python 3.11, pip and apt.
#   bash scripts/install.sh          Python packages: enough for the demo crawl
#   bash scripts/install.sh --full   also the Debian packages real crawls use
#                                    (Chromium, LibreOffice/antiword, Tesseract)
#   bash scripts/install.sh --test   --full, plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

python -m pip install --quiet --disable-pip-version-check -r requirements.txt
if [ "$mode" = "--test" ]; then
    python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
fi
# pyenv installs console scripts (scrapy) behind shims that need refreshing.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi

if [ "$mode" = "--full" ] || [ "$mode" = "--test" ]; then
    packages=$(grep -v '^\s*#' scripts/apt-packages.txt | tr '\n' ' ')
    missing=""
    for package in $packages; do
        dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        sudo=""
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
    fi
fi
