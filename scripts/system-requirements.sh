#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when they are missing:
# Chromium and its driver for the browser tests, the MariaDB client library for mysqlclient,
# gettext for the catalogues. The browser always comes from Debian; nothing downloads one.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists mariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null || missing+=(libmariadb-dev)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
