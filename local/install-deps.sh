#!/usr/bin/env bash
# Installs the Debian packages the local stack needs (curl and Ceph RGW for S3, Chromium for browser
# tests, PHP + PHPUnit for the Moodle plugin, ffmpeg for test videos). Safe to run every time:
# when everything is present it only asks dpkg and exits.
set -euo pipefail

PACKAGES=(curl radosgw ceph-mon ceph-osd chromium php-cli php-xml php-mbstring phpunit ffmpeg)

# "install ok installed" is the only usable state; half-configured or removed-but-not-purged
# packages must be (re)installed too. One dpkg-query for all keeps the no-op path fast.
installed=" $(dpkg-query -W -f='${db:Status-Abbrev}${Package} ' "${PACKAGES[@]}" 2>/dev/null || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ $installed == *" ii $pkg "* ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null; then
  # -n: never prompt, so CI and stdin-less runs fail fast instead of hanging.
  as_root=(sudo -n)
else
  echo "install-deps: need root to install ${missing[*]} (run as root or install sudo)" >&2
  exit 1
fi

for pkg in "${missing[@]}"; do echo "install-deps: installing $pkg"; done
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" </dev/null >/dev/null
