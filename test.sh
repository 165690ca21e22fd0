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

# The cluster tests (real silos killed and restarted on Azurite) run beside the other assemblies on a machine with 4 or
# more cores; their output is printed when they end. On fewer cores the suite is CPU-bound (docs/testing.md measures
# it), so side by side would only slow every test and make timing-bound ones flaky: one after another there.
# TEST_LANES=1 or TEST_LANES=2 chooses.
lanes=${TEST_LANES:-$([ "$(nproc)" -ge 4 ] && echo 2 || echo 1)}
# Each project's failures are also collected, and listed again at the very end: CI keeps only the tail of the output.
failures=$(mktemp)
trap 'rm -f "$failures" "${cluster_log:-}"' EXIT
test_project() {
  local out rc
  out=$(mktemp)
  set +e
  dotnet test "Tests/$1" --configuration Release --no-build --logger "console;verbosity=minimal" "${@:2}" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  # Each failed test with its error message and the top of its stack (at most 16 lines each).
  awk -v project="$1" '
    /^[[:space:]]*Failed [A-Za-z_]/ { sub(/^[[:space:]]*/, ""); print project ": " $0; left = 16; stack = -1; next }
    left > 0 && /^[[:space:]]*(Passed|Skipped) / { left = 0 }
    left > 0 { if ($0 ~ /Stack Trace:/) stack = 4; if (stack == 0) { left = 0; next }; if (stack > 0) stack--; print "    " $0; left-- }
  ' "$out" >> "$failures"
  [ "$rc" = 0 ] || echo "$1: dotnet test exited $rc" >> "$failures"
  rm -f "$out"
  return "$rc"
}
failed=0
others=(Grains.Tests Gateway.Tests Browser.Tests Bench.Tests)
if [ "$lanes" = 1 ]; then
  for project in Grains.Tests Gateway.Tests Cluster.Tests "${others[@]:2}"; do
    test_project "$project" "$@" || failed=1
  done
else
  cluster_log=$(mktemp)
  test_project Cluster.Tests "$@" > "$cluster_log" 2>&1 &
  cluster_pid=$!
  for project in "${others[@]}"; do
    test_project "$project" "$@" || failed=1
  done
fi
# The JavaScript client library against the Release build just made (a silo and gateways on loopback ports).
node --experimental-websocket --test clients/js/test/*.test.mjs || { failed=1; echo "clients/js: node --test failed" >> "$failures"; }

if [ "$lanes" != 1 ]; then
  wait "$cluster_pid" || failed=1
  echo "--- Tests/Cluster.Tests (ran beside the others)"
  cat "$cluster_log"
fi
if [ "$failed" != 0 ]; then
  echo "=== test.sh: FAILED ==="
  cat "$failures"
else
  echo "=== test.sh: every test project passed ==="
fi
exit "$failed"
