#!/usr/bin/env bash
# The presence benchmark: builds the solution, installs the peers (Nchan), raises the open-file limit, runs.
# Usage: bench/run.sh [--smoke] [--scenarios fanout,writes,writes-fanout,groupsize,storm,stalled,cluster,multiplex,idle-memory,sub-memory,sessions]
#                     [--sizes 5000,19500] [--repeats 3] [--systems gateway,gateway-split,kestrel-peer,nchan]
#                     [--gateway-variants "wks:DOTNET_gcServer=0;..."] [--sub-sockets 1000 --sub-topics 200] [--hold SECONDS]
#                     [--mux-agents 4000] [--mux-supervisors 200] [--mux-gateways 1] [--mux-writes 100] [--rate 5] [--report docs/performance.md]
#                     [--sessions 5000] [--session-window 120] [--session-lease 60] [--session-sweep 60]
#                     [--gateway-dll PATH (another build of the gateway, e.g. an older commit's)]
set -euo pipefail
cd "$(dirname "$0")/.."
bench/install-peers.sh || echo "run.sh: Nchan could not be installed; its columns will be missing" >&2
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
dotnet build FreedomCti.Orleans.sln -c Release -v quiet -nologo >/dev/null
exec dotnet bench/bin/Release/net10.0/FreedomCti.Bench.dll run "$@"
