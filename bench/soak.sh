#!/usr/bin/env bash
# Issue 9 item 5: ten minutes of mixed traffic at half the measured peak against the API (Release, embedded default).
#   1. generate SOAK_COUNT offerings through the real storage path (bench generate) into SOAK_DATA (deleted first)
#   2. start the API from the Release build on SOAK_PORT (rate limits opened: the soak measures the system, not the limiter)
#   3. bench soak: the peak of the mix in a closed loop (16 connections, 30 s after a 15 s warm-up), then SOAK_MINUTES
#      minutes at half of it, open loop; per minute: operations, errors, p50/p99, the API's VmRSS and the load average
# Environment: SOAK_DATA (/tmp/marketplace-soak), SOAK_COUNT (20000), SOAK_MINUTES (10), SOAK_PORT (5081),
# SOAK_SKIP_GENERATE=1 to reuse the data, SOAK_RATE (operations/s) instead of half the peak to compare runs at one rate.
# Output: bench/out/soak-<timestamp>/ (soak.log, api.log, env.txt).
# Exit status 0 when the verdict passes (0 errors, last minute's memory within 10 % of the second's; each minute's memory is the mean
# of a VmRSS sample every 5 s, because one sample at the minute's end mostly shows where the GC cycle stands).
set -euo pipefail
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"  # as in the Dockerfile
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"  # as in the Dockerfile

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${SOAK_DATA:-/tmp/marketplace-soak}"
COUNT="${SOAK_COUNT:-20000}"
MINUTES="${SOAK_MINUTES:-10}"
PORT="${SOAK_PORT:-5081}"
URL="http://127.0.0.1:${PORT}"
OUT="$ROOT/bench/out/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD))"
  echo "nproc: $(nproc), cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  free -g | sed 's/^/free -g: /'
  echo "dotnet: $(dotnet --version)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other processes using CPU (top 5):"
  ps -eo pcpu,etimes,comm --sort=-pcpu | head -6 | sed 's/^/  /'
} | tee "$OUT/env.txt"

echo "== build (Release)"
dotnet build -c Release "$ROOT/Marketplace.Api/Marketplace.Api.csproj" -v q -nologo > "$OUT/build.log" 2>&1
dotnet build -c Release "$ROOT/bench/Marketplace.Bench/Marketplace.Bench.csproj" -v q -nologo >> "$OUT/build.log" 2>&1
cp -r "$ROOT/Marketplace.Api/bin/Release/net10.0" "$OUT/api"
cp -r "$ROOT/bench/Marketplace.Bench/bin/Release/net10.0" "$OUT/bench"

if [[ "${SOAK_SKIP_GENERATE:-0}" != 1 ]]; then
  echo "== generate $COUNT offerings into $DATA"
  rm -rf "$DATA"
  dotnet "$OUT/bench/Marketplace.Bench.dll" generate --count "$COUNT" --data "$DATA" | tee "$OUT/generate.log"
fi

echo "== API"
dotnet "$OUT/api/Marketplace.Api.dll" --urls "$URL" --Marketplace:DataDirectory="$DATA" \
  --Marketplace:RateLimit:AnonymousPermitLimit=1000000 --Marketplace:RateLimit:AuthenticatedPermitLimit=1000000 \
  --Marketplace:RateLimit:WindowSeconds=1 > "$OUT/api.log" 2>&1 &
API_PID=$!
trap 'kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  if curl -sf "$URL/health/ready" > /dev/null 2>&1; then break; fi
  kill -0 "$API_PID" 2>/dev/null || { echo "the API exited; see $OUT/api.log"; exit 1; }
  sleep 0.5
done
echo "API ready (pid $API_PID)"

COUNTERS_PID=
PATH="$PATH:$HOME/.dotnet/tools"
if command -v dotnet-counters > /dev/null 2>&1; then
  # GC heap by generation and the postings cache beside RSS, every 10 s: tells a growing live set from a lazy GC.
  dotnet-counters collect -p "$API_PID" --refresh-interval 10 --format csv -o "$OUT/counters.csv" \
    --counters System.Runtime,Marketplace.Search > "$OUT/counters.log" 2>&1 &
  COUNTERS_PID=$!
  trap 'kill "$COUNTERS_PID" 2>/dev/null || true; kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true' EXIT
else
  echo "(dotnet-counters not installed: no GC heap figures; dotnet tool install -g dotnet-counters)"
fi

echo "== soak"
set +e
dotnet "$OUT/bench/Marketplace.Bench.dll" soak --url "$URL" --data "$DATA" --pid "$API_PID" --minutes "$MINUTES" ${SOAK_RATE:+--rate "$SOAK_RATE"} | tee "$OUT/soak.log"
status=${PIPESTATUS[0]}
set -e
if [[ -n "$COUNTERS_PID" ]]; then
  kill -INT "$COUNTERS_PID" 2>/dev/null || true
  sleep 2
  python3 "$ROOT/bench/counters-summary.py" "$OUT/counters.csv" | tee -a "$OUT/soak.log" || true
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/env.txt"
grep -c ' fail: ' "$OUT/api.log" | sed 's/^/API log error entries: /' | tee -a "$OUT/soak.log" || true
exit "$status"
