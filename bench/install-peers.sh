#!/usr/bin/env bash
# Installs the benchmark's native peers: nginx with the Nchan module, and redis-server for the Redis peer of the
# writes-fanout scenario (Debian packages). Idempotent; needs root or sudo.
# The Kestrel and Redis peers' own code is part of the bench itself and needs nothing extra.
set -euo pipefail

if [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ] && command -v nginx >/dev/null 2>&1 && [ -x /usr/bin/redis-server ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# nginx-light is enough (no extra modules); the nchan module package pulls the matching nginx ABI.
$SUDO apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-nchan >/dev/null || \
  $SUDO apt-get install -y -qq --no-install-recommends nginx libnginx-mod-nchan >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The packaged services are not used: the bench runs nginx as its own process with a generated config.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop nginx redis-server 2>/dev/null || true; fi
