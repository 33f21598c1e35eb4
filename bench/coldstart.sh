#!/usr/bin/env bash
# The first seconds of a node under full load: starts the API (Release build, or API_DLL) on BENCH_DATA, and from the
# moment /health/ready answers 200 runs the real-language mix in WINDOWS windows of 5 s (wrk 2 × 32), then stops it
# gracefully. Needs a data folder and a paths file from bench/run.sh (PATHS, e.g. bench/out/<run>/paths-real.txt).
# Runtime settings to compare can be given as environment variables (DOTNET_TieredPGO=0, …). Run by hand.
set -uo pipefail
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${BENCH_DATA:-/tmp/marketplace-bench}"
PATHS="${PATHS:?PATHS=bench/out/<run>/paths-real.txt}"
URL="http://127.0.0.1:${BENCH_PORT:-5080}"
API_DLL="${API_DLL:-$ROOT/Marketplace.Api/bin/Release/net10.0/Marketplace.Api.dll}"
start=$(date +%s.%N)
dotnet "$API_DLL" --urls "$URL" --Marketplace:DataDirectory="$DATA" \
  --Marketplace:RateLimit:AnonymousPermitLimit=1000000 --Marketplace:RateLimit:WindowSeconds=1 --Marketplace:Search:ResultCacheEntries=0 \
  > "${LOG:-/tmp/coldstart-api.log}" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do curl -sf "$URL/health/ready" > /dev/null 2>&1 && break; sleep 0.1; done
echo "ready after $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"
for i in $(seq 1 "${WINDOWS:-4}"); do
  wrk -t2 -c32 --timeout 10s --latency -s "$ROOT/bench/wrk/search.lua" "$URL" -d5s -- "$PATHS" 2>&1 | grep '^WRK' | sed "s/^WRK/  window $i:/"
done
kill -TERM "$pid"; wait "$pid"
