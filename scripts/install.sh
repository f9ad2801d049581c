#!/usr/bin/env bash
# Set govreports up in .venv, a virtual environment inside the repository, made with the
# python3 on PATH (3.11 or newer; PYTHON=/path/to/python3.11 picks another one):
#   bash scripts/install.sh          govreports (editable) and its pinned dependencies:
#                                    enough for the demo crawl
#   bash scripts/install.sh --full   also the Debian packages real crawls use
#                                    (Chromium, LibreOffice/antiword, Tesseract)
#   bash scripts/install.sh --browse also the research UI (`scrapy browse`): Datasette and
#                                    its dashboards plugin (requirements-browse.txt)
#   bash scripts/install.sh --test   --full and --browse, plus what the test suite needs
# Then run .venv/bin/scrapy and .venv/bin/python; nothing needs activating.
# Running it again is quick: pip runs only when requirements*.txt, pyproject.toml or
# setup.py changed since it last ran, apt only for packages that are not installed.
# `rm -rf .venv` starts over.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in
    "" | --full | --browse | --test) ;;
    *) echo "usage: bash scripts/install.sh [--full | --browse | --test]" >&2; exit 2 ;;
esac
python="${PYTHON:-python3}"
venv=.venv

say() { echo "install.sh: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
# Install those of the named Debian packages that are not installed yet.
apt_install() {
    local missing=() package
    for package in "$@"; do
        # (`dpkg -s` alone also succeeds for a removed package whose config files remain)
        [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] ||
            missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# --- 1. .venv, kept while it works and the repository has not moved ----------------------
venv_works() {
    [ "$(cat "$venv/.govreports-root" 2>/dev/null)" = "$PWD" ] &&
        "$venv/bin/python" -c 'import sys, pip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}
if ! venv_works; then
    if ! command -v "$python" >/dev/null 2>&1; then
        say "no $python on PATH: install Python 3.11 (Debian: apt-get install python3), or name one with PYTHON=/path/to/python3.11"
        exit 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        say "govreports needs Python 3.11 or newer; $python is $("$python" -V 2>&1). Name another with PYTHON=/path/to/python3.11"
        exit 1
    fi
    say "creating $venv with $(command -v "$python") ($("$python" -V 2>&1))"
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
        # Debian's own python3 ships venv's pip bootstrap (ensurepip) as a package of its own.
        rm -rf "$venv"
        if command -v apt-get >/dev/null 2>&1; then
            apt_install "python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
        fi
        "$python" -m venv "$venv"
    fi
    echo "$PWD" >"$venv/.govreports-root"
fi

# --- 2. Python packages -------------------------------------------------------------------
pip_install() {
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}
# install_once NAME "FILES" PIP-ARGS…: pip install PIP-ARGS, unless it last ran with the
# same FILES (a hash of them is kept in .venv/.installed-NAME).
install_once() {
    local stamp="$venv/.installed-$1" files="$2" hash
    shift 2
    # shellcheck disable=SC2086  # FILES is a list of plain file names
    hash=$(cat $files | sha256sum | cut -d' ' -f1)
    [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ] && return 0
    say "installing $* into $venv"
    pip_install "$@"
    echo "$hash" >"$stamp"
}
# govreports itself, editable (the working tree is what runs), with the pins of
# requirements.txt (pyproject.toml reads its dependencies from there too).
install_once package "requirements.txt pyproject.toml setup.py" -r requirements.txt -e .
if [ "$mode" = "--browse" ] || [ "$mode" = "--test" ]; then
    install_once browse "requirements-browse.txt requirements.txt" -r requirements-browse.txt
fi
if [ "$mode" = "--test" ]; then
    install_once test "requirements-test.txt requirements.txt" -r requirements-test.txt
fi

# --- 3. Debian packages for real crawls and the tests --------------------------------------
if [ "$mode" = "--full" ] || [ "$mode" = "--test" ]; then
    mapfile -t packages < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$')
    apt_install "${packages[@]}"
fi
