#!/usr/bin/env bash
# Runs every test of the presence grid. Installs what the tests need on a fresh machine first.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

dotnet test FreedomCti.Orleans.sln --configuration Release --logger "console;verbosity=minimal" "$@"
