#!/usr/bin/env bash
# Starts a local presence grid as production runs it, on one machine: Azurite (Azure Storage emulator), 3 silos and
# 2 gateways in client mode, Azure Table membership, grain state and reminders. Ctrl+C stops everything.
#
#   deploy/local-cluster.sh                 # build (Release), then run; logs in .cluster/<name>.log
#   SILOS=5 GATEWAYS=3 deploy/local-cluster.sh
#   deploy/local-cluster.sh --no-build
#
# Membership uses the cluster tests' short timings (a killed silo is declared dead in about 2-5 s), so failover can be
# tried by hand: kill -9 "$(cat .cluster/silo2.pid)". Do not use these timings in production (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

SILOS=${SILOS:-3}
GATEWAYS=${GATEWAYS:-2}
BASE_PORT=${BASE_PORT:-40000}
STATE=.cluster
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
SIGNING_KEY=${SIGNING_KEY:-$(head -c 32 /dev/urandom | base64)}

if [ "${1:-}" != "--no-build" ]; then
  dotnet build FreedomCti.Orleans.sln --configuration Release --nologo -v quiet
fi
if [ ! -f .tools/node_modules/azurite/dist/src/azurite.js ]; then
  npm install --prefix .tools --no-audit --no-fund --loglevel=error azurite@3
fi

rm -rf "$STATE" && mkdir -p "$STATE/azurite"
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  # Newest first: gateways drain, silos leave the membership table while Azurite still answers, then Azurite.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    while kill -0 "${pids[i]}" 2>/dev/null; do sleep 0.2; done
  done
}
trap stop INT TERM EXIT

start() { # name, command...
  local name=$1; shift
  # A session of its own: Ctrl+C reaches only this script, which stops the processes in order (Azurite last).
  setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null &
  pids+=($!)
  echo $! >"$STATE/$name.pid"
}

wait_for() { # url, what
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "$2 did not come up; see $STATE/" >&2
  exit 1
}

blob=$BASE_PORT; queue=$((BASE_PORT + 1)); table=$((BASE_PORT + 2))
start azurite node .tools/node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --loose \
  --location "$STATE/azurite" --blobHost 127.0.0.1 --blobPort $blob --queueHost 127.0.0.1 --queuePort $queue \
  --tableHost 127.0.0.1 --tablePort $table
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$table) 2>/dev/null && break; sleep 0.1; done

export Cluster__StorageConnectionString="DefaultEndpointsProtocol=http;AccountName=$ACCOUNT;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$blob/$ACCOUNT;QueueEndpoint=http://127.0.0.1:$queue/$ACCOUNT;TableEndpoint=http://127.0.0.1:$table/$ACCOUNT;"
export Auth__SigningKey=$SIGNING_KEY
common=(--Cluster:Clustering=AzureStorage --Cluster:Storage=AzureStorage --Cluster:ClusterId=local-$$
  --Cluster:Membership:ProbeTimeout=00:00:01 --Cluster:Membership:NumMissedProbesLimit=2
  --Cluster:Membership:IAmAliveTablePublishTimeout=00:00:05 --Cluster:Membership:TableRefreshTimeout=00:00:02)

for i in $(seq 1 "$SILOS"); do
  port=$((BASE_PORT + 10 + i))
  start "silo$i" dotnet Silo/bin/Release/net10.0/FreedomCti.Presence.Silo.dll --urls "http://127.0.0.1:$port" "${common[@]}" \
    --Cluster:SiloPort=$((BASE_PORT + 100 + i)) --Cluster:GatewayPort=$((BASE_PORT + 200 + i)) --Cluster:AdvertisedIPAddress=127.0.0.1 \
    --Cluster:SiloName="silo$i"
  wait_for "http://127.0.0.1:$port/health/ready" "silo$i"
  echo "silo$i     ready   health http://127.0.0.1:$port/health/ready   log $STATE/silo$i.log"
done
for i in $(seq 1 "$GATEWAYS"); do
  port=$((BASE_PORT + 20 + i)); management=$((BASE_PORT + 30 + i))
  start "gateway$i" dotnet Gateway/bin/Release/net10.0/FreedomCti.Presence.Gateway.dll --urls "http://127.0.0.1:$port" \
    --Management:Urls="http://127.0.0.1:$management" "${common[@]}" --Cluster:Mode=Client --Cluster:GatewayListRefreshPeriod=00:00:02 \
    --Demo:Seed=false
  wait_for "http://127.0.0.1:$management/health/ready" "gateway$i"
  echo "gateway$i  ready   http://127.0.0.1:$port   health/metrics http://127.0.0.1:$management   log $STATE/gateway$i.log"
done

token() {
  dotnet Gateway/bin/Release/net10.0/FreedomCti.Presence.Gateway.dll token --org org-local --sub "$1" --role "$2" --ttl 12:00:00
}
admin=$(token admin admin,system)
first=http://127.0.0.1:$((BASE_PORT + 21))
curl -fs -X PUT "$first/organisation/org-local" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"name":"Local organisation"}' >/dev/null
echo
echo "Organisation org-local exists. Tokens (12 h, signing key in \$Auth__SigningKey of this shell's children):"
echo "  admin + system:  $admin"
echo "  supervisor s1:   $(token s1 supervisor)"
echo "More: dotnet Gateway/bin/Release/net10.0/FreedomCti.Presence.Gateway.dll token --org org-local --sub <id> --role <roles> (Auth__SigningKey=$SIGNING_KEY)"
echo "Kill a silo: kill -9 \$(cat $STATE/silo2.pid)   Stop all: Ctrl+C"
wait
