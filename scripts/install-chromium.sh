#!/usr/bin/env bash
# install-chromium.sh: the page tests drive headless Chromium from Debian's packages (never a
# browser download of a test tool's own). Installs it when missing; needs root and apt.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: chromium is missing and cannot be installed here (needs root and apt-get);" \
       "install Debian's chromium package, or set CUSTOPS_CHROMIUM to a Chromium binary" >&2
  exit 1
fi
echo "install-chromium: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
