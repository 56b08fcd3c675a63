#!/bin/sh
# Installs Debian's Chromium for the browser tests when it is missing (Playwright
# cannot download its own browsers on these machines). Needs root or sudo.
set -e
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || {
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium
}
/usr/bin/chromium --version
