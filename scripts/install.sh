#!/usr/bin/env bash
# Install what govreports needs on a machine that has Python 3.11, pip and apt.
#   bash scripts/install.sh          runtime packages (enough for the demo crawl)
#   bash scripts/install.sh --test   also what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements.txt
if [ "${1:-}" = "--test" ]; then
    python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
fi
# pyenv installs console scripts (scrapy) behind shims that need refreshing.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
