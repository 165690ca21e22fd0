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

# How the projects share the machine (docs/testing.md measures each choice):
# - The cluster tests kill and restart real silos on Azurite and assert failure-detection, lease and latency bounds:
#   on fewer than 4 cores they run alone, after the others, so nothing else loads the machine under their bounds.
# - The other projects mostly wait (on sockets, browser frames, real processes starting) rather than compute: together
#   they keep under one core busy one after another, so they run in two lanes side by side; their output is printed
#   when both lanes have ended.
# TEST_SCHEDULE=light (the others in two lanes, then the cluster tests alone: the default on fewer than 4 cores),
# all (the cluster tests in a third lane beside them: the default on 4 or more) or serial (one project after another,
# each one's output streamed: slower by about 2.5 minutes on 2 cores, for reading a run as it goes).
schedule=${TEST_SCHEDULE:-$([ "$(nproc)" -ge 4 ] && echo all || echo light)}
case "$schedule" in serial|light|all) ;; *) echo "test.sh: TEST_SCHEDULE is serial, light or all, not '$schedule'." >&2; exit 2 ;; esac

# The processes the tests start live for seconds, not days: the runtime's tuning for long-lived servers (tier-1
# recompilation with profile-guided instrumentation, a Server GC heap per core) costs them more CPU than it saves, and on
# a 2-core machine every test shares those cores with several silos. Production processes keep the defaults; the
# benchmark (bench/run.sh) does not run under test.sh. (Azurite's own setting is in Tests/Cluster.Tests/Infrastructure/Azurite.cs.)
export DOTNET_TieredPGO=0 DOTNET_TC_CallCountThreshold=1000 DOTNET_gcServer=0

# Each project's output and failures go to files of their own: printed when it ends, and the failures listed again at
# the very end (CI keeps only the tail of a run's output).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Where a project's output is kept ("clients/js" has a slash).
out_of() { echo "$work/${1//\//-}.out"; }
# Streams a project's output while keeping a copy (one after another), or only keeps it (side by side).
keep() { if [ "$stream" = 1 ]; then tee "$1"; else cat > "$1"; fi; }
# Loopback ports for the servers each project starts (Tests/Shared/LoopbackPorts.cs, clients/js/test/support): a range
# of its own, below Linux's ephemeral range, so that projects side by side never pick the same free port.
ports_of() {
  case "$1" in
    Gateway.Tests) echo 20000-22999 ;; Browser.Tests) echo 23000-24999 ;; Bench.Tests) echo 25000-27999 ;;
    clients/js) echo 28000-31999 ;; Cluster.Tests) echo 14000-19999 ;; *) echo 10000-13999 ;;
  esac
}
test_project() {
  local out rc
  out=$(out_of "$1")
  export TEST_LOOPBACK_PORTS=$(ports_of "$1")
  set +e
  if [ "$1" = clients/js ]; then
    # Test files run side by side (each starts its own silo and gateways on free loopback ports).
    node --experimental-websocket --test --test-concurrency=4 clients/js/test/*.test.mjs 2>&1 | keep "$out"
  else
    dotnet test "Tests/$1" --configuration Release --no-build --logger "console;verbosity=minimal" "${@:2}" 2>&1 | keep "$out"
  fi
  rc=${PIPESTATUS[0]}
  set -e
  # Each failed test with its error message and the top of its stack (at most 16 lines each).
  awk -v project="$1" '
    /^[[:space:]]*Failed [A-Za-z_]/ { sub(/^[[:space:]]*/, ""); print project ": " $0; left = 16; stack = -1; next }
    /^not ok / { print project ": " $0 } # node --test (TAP)
    left > 0 && /^[[:space:]]*(Passed|Skipped) / { left = 0 }
    left > 0 { if ($0 ~ /Stack Trace:/) stack = 4; if (stack == 0) { left = 0; next }; if (stack > 0) stack--; print "    " $0; left-- }
  ' "$out" > "${out%.out}.failures"
  [ "$rc" = 0 ] || echo "$1: tests exited $rc" >> "${out%.out}.failures"
  return "$rc"
}
# Runs the named projects one after another, their output streamed.
run_serial() {
  local project rc=0
  for project in "$@"; do
    echo "--- $project"
    stream=1 test_project "$project" "${args[@]}" || rc=1
  done
  return "$rc"
}
# Runs lanes side by side ("A B|C D": A then B, beside C then D); each project's output is printed when all have ended.
run_lanes() {
  local lane project rc=0 pids=() all=() lanes=() projects=()
  IFS='|' read -ra lanes <<< "$1"
  for lane in "${lanes[@]}"; do
    read -ra projects <<< "$lane"
    all+=("${projects[@]}")
    ( r=0; for project in "${projects[@]}"; do stream=0 test_project "$project" "${args[@]}" || r=1; done; exit $r ) & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  for project in "${all[@]}"; do echo "--- $project"; cat "$(out_of "$project")"; done
  return "$rc"
}
args=("$@")
# Two lanes of about equal length (alone: Bench 109 s + Grains 19 + Node 24; Browser 85 + Gateway 45). All five side by
# side ended no sooner (the machine was already full) and loaded their waits harder: two tests failed in one run.
light="Bench.Tests Grains.Tests clients/js|Browser.Tests Gateway.Tests"
started=$(date +%s)
failed=0
case "$schedule" in
  serial) run_serial Grains.Tests Gateway.Tests Browser.Tests Bench.Tests clients/js Cluster.Tests || failed=1 ;;
  light) run_lanes "$light" || failed=1
         run_serial Cluster.Tests || failed=1 ;;
  all) run_lanes "$light|Cluster.Tests" || failed=1 ;;
esac
echo "test.sh: the tests took $(( $(date +%s) - started )) s ($schedule schedule, $(nproc) cores)"

if [ "$failed" != 0 ]; then
  echo "=== test.sh: FAILED ==="
  cat "$work"/*.failures
else
  echo "=== test.sh: every test project passed ==="
fi
exit "$failed"
