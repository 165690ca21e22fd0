#!/usr/bin/env bash
# Runs every test of the presence grid. Installs what the tests need on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

# The cluster tests run a real Azurite (Azure Storage emulator) from a repo-local folder.
if [ ! -f .tools/node_modules/azurite/dist/src/azurite.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: Node.js and npm are required to install Azurite for the cluster tests." >&2
    exit 1
  fi
  npm install --prefix .tools --no-audit --no-fund --loglevel=error azurite@3
fi

# The deploy tests validate the rendered Kubernetes manifests against the Kubernetes schemas with kubernetes-models.
if [ ! -f .tools/node_modules/kubernetes-models/package.json ]; then
  npm install --prefix .tools --no-audit --no-fund --loglevel=error kubernetes-models@5
fi

# ... and render them with the kustomize inside kubectl (1.27 or later: the kustomizations use labels and replicas).
# Debian's own kubernetes-client (kubectl 1.20, kustomize v2) is too old to render them, so only a `kubectl` package
# from an apt source that offers one (the Kubernetes or the Google Cloud repository) is installed here.
if ! command -v kubectl >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update
  if apt-cache policy kubectl | grep -q 'Candidate: [0-9]'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y kubectl
  fi
fi
if ! kubectl kustomize deploy/k8s/overlays/dev >/dev/null 2>&1; then
  echo "test.sh: the deploy tests need kubectl 1.27 or later for 'kubectl kustomize deploy/k8s/…'." >&2
  echo "  Install the 'kubectl' package from the Kubernetes apt repository (https://pkgs.k8s.io) or Google Cloud's;" >&2
  echo "  Debian's kubernetes-client (kubectl 1.20) cannot render these kustomizations." >&2
  exit 1
fi

# The browser tests (Tests/Browser.Tests) drive Debian's Chromium through Playwright, never a browser Playwright downloads.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    echo "test.sh: the browser tests need Chromium at /usr/bin/chromium; install it as root: apt-get install -y chromium" >&2
    exit 1
  fi
fi

dotnet build FreedomCti.Orleans.sln --configuration Release
# One test assembly at a time: the cluster tests start several silo and gateway processes and need the cores.
dotnet test FreedomCti.Orleans.sln --configuration Release --no-build -m:1 --logger "console;verbosity=minimal" "$@"

# The JavaScript client library against the Release build just made (a silo and gateways on loopback ports).
node --experimental-websocket --test clients/js/test/*.test.mjs
