#!/usr/bin/env bash
# The whole benchmark, in order, from a clean data folder (loopback only, bounded durations):
#   1. generate N offerings through the real storage path + full index rebuild   (issue 3: rebuild ≥ 5,000/s)
#   2. the query mix in-process against LuceneOfferingIndex (2 threads)
#   3. the same mix over HTTP with wrk, 32 connections; API resident memory      (issue 3: ≥ 1,000/s, p99 ≤ 50 ms, ≤ 1 GiB)
#   4. demand-list matching and the match feed over HTTP                        (issue 4: ≤ 150 ms, ≤ 50 ms)
#   5. the operator's full rebuild over HTTP (when the endpoint exists)
# Environment: BENCH_DATA (default /tmp/marketplace-bench, deleted first), BENCH_COUNT (100000),
# BENCH_SECONDS (wrk duration, 30), BENCH_ENGINE_SECONDS (20), BENCH_PORT (5080), BENCH_SKIP_GENERATE=1 to reuse the data,
# BENCH_RESULT_CACHE (the search result cache's entries in the engine and the API; default 0 = off, because the mix
# rotates through 2,000 fixed queries that a cache would answer after the first pass).
# Output: bench/out/<timestamp>/ (logs, summary.txt). Run by hand; never part of the test suite.
set -euo pipefail
# The Dockerfile's GC setting (a 64 MiB young generation per heap), for the tool and the API alike.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${BENCH_DATA:-/tmp/marketplace-bench}"
COUNT="${BENCH_COUNT:-100000}"
SECONDS_HTTP="${BENCH_SECONDS:-30}"
SECONDS_ENGINE="${BENCH_ENGINE_SECONDS:-20}"
CACHE="${BENCH_RESULT_CACHE:-0}"
PORT="${BENCH_PORT:-5080}"
URL="http://127.0.0.1:${PORT}"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
BIN="$OUT/bin"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
say() { echo "$*" | tee -a "$SUMMARY"; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD))"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  free -g | sed 's/^/free -g: /'
  echo "dotnet: $(dotnet --version)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other processes using CPU (top 5):"
  ps -eo pcpu,etimes,comm --sort=-pcpu | head -6 | sed 's/^/  /'
} | tee "$OUT/env.txt" >> "$SUMMARY"

echo "== build (Release)"
dotnet build -c Release "$ROOT/Marketplace.Api/Marketplace.Api.csproj" -v q -nologo > "$OUT/build.log" 2>&1
dotnet build -c Release "$ROOT/bench/Marketplace.Bench/Marketplace.Bench.csproj" -v q -nologo >> "$OUT/build.log" 2>&1
# Run the tool from a copy so a rebuild of the source tree never swaps binaries under a running benchmark.
cp -r "$ROOT/bench/Marketplace.Bench/bin/Release/net10.0" "$BIN"
bench() { dotnet "$BIN/Marketplace.Bench.dll" "$@"; }

if [[ "${BENCH_SKIP_GENERATE:-0}" != 1 ]]; then
  echo "== 1. generate $COUNT offerings into $DATA"
  rm -rf "$DATA"
  bench generate --count "$COUNT" --data "$DATA" | tee "$OUT/generate.log"
  grep -E '^(load|rebuild|sizes):' "$OUT/generate.log" >> "$SUMMARY"
fi

echo "== 2. engine (in-process)"
bench queries --out "$OUT/search-paths.txt" > /dev/null
bench engine --data "$DATA" --threads 2 --seconds "$SECONDS_ENGINE" --warmup 5 --breakdown --cache "$CACHE" --out "$OUT/engine.json" | tee "$OUT/engine.log"
grep -E '^engine: [0-9]+ threads' "$OUT/engine.log" >> "$SUMMARY"

echo "== 3. API over HTTP"
API_RUN_PID=""
API_PID=""
stop_api() {
  if [[ -n "$API_PID" ]] && kill -0 "$API_PID" 2>/dev/null; then kill "$API_PID" 2>/dev/null || true; fi
  if [[ -n "$API_RUN_PID" ]] && kill -0 "$API_RUN_PID" 2>/dev/null; then kill "$API_RUN_PID" 2>/dev/null || true; fi
  if [[ -n "$API_RUN_PID" ]]; then wait "$API_RUN_PID" 2>/dev/null || true; fi
  API_PID=""; API_RUN_PID=""
}
trap stop_api EXIT
# The anonymous rate limit is validated to ≤ 1,000,000 per window: a 1-second window makes it irrelevant here.
(cd "$ROOT" && exec dotnet run -c Release --project Marketplace.Api --no-build -- --urls "$URL" \
  --Marketplace:DataDirectory="$DATA" --Marketplace:RateLimit:AnonymousPermitLimit=1000000 --Marketplace:RateLimit:WindowSeconds=1 --Marketplace:Search:ResultCacheEntries="$CACHE") \
  > "$OUT/api.log" 2>&1 &
API_RUN_PID=$!
for _ in $(seq 1 240); do
  if curl -sf "$URL/health/ready" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$API_RUN_PID" 2>/dev/null; then echo "the API exited; see $OUT/api.log"; exit 1; fi
  sleep 0.5
done
curl -sf "$URL/health/ready" > /dev/null || { echo "the API did not become ready; see $OUT/api.log"; exit 1; }
# `dotnet run` starts the app as its child: that child is the process whose memory counts.
API_PID="$(pgrep -P "$API_RUN_PID" | head -1 || true)"
API_PID="${API_PID:-$API_RUN_PID}"
echo "API ready (dotnet run pid $API_RUN_PID, app pid $API_PID)"

status="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/offerings/search?q=MES")"
if [[ "$status" != 200 ]]; then
  say "http search: GET /api/v1/offerings/search answered $status: skipped (the search endpoint is not in this build)"
else
  # Warm-up: JIT, and every query of the mix seen once (the engine decodes a clause's postings the first time it meets it).
  wrk -t1 -c32 -d20s --timeout 10s -s "$ROOT/bench/wrk/search.lua" "$URL" -- "$OUT/search-paths.txt" > "$OUT/wrk-warmup.log" 2>&1
  ( while kill -0 "$API_PID" 2>/dev/null; do
      awk -v t="$(date +%s)" '/^Vm(RSS|HWM)/ {printf "%s %s %s ", t, $1, $2} END {print ""}' "/proc/$API_PID/status" 2>/dev/null || true
      sleep 1
    done ) > "$OUT/memory.log" &
  SAMPLER=$!
  wrk -t1 -c32 -d"${SECONDS_HTTP}s" --timeout 10s --latency -s "$ROOT/bench/wrk/search.lua" "$URL" -- "$OUT/search-paths.txt" | tee "$OUT/wrk.log"
  kill "$SAMPLER" 2>/dev/null || true
  grep '^WRK' "$OUT/wrk.log" | sed 's/^WRK/http search (wrk -t1 -c32 -d'"$SECONDS_HTTP"'s):/' >> "$SUMMARY"
  api_rps="$(grep -o 'rps=[0-9.]*' "$OUT/wrk.log" | cut -d= -f2)"
  engine_rps="$(grep -o '"searchesPerSecond":[0-9.]*' "$OUT/engine.json" | cut -d: -f2)"
  say "API/engine throughput ratio: $(awk -v a="$api_rps" -v e="$engine_rps" 'BEGIN {printf "%.2f (%s / %s searches/s)", a / e, a, e}')"
  say "API memory during load: max VmRSS $(awk '{for (i = 1; i <= NF; i++) if ($i == "VmRSS:") print $(i + 1)}' "$OUT/memory.log" | sort -n | tail -1) kB, VmHWM $(awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status") kB"
fi

echo "== 4. matching and feed"
status="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/matches/feed?limit=1" -H "X-Api-Key: $(grep -o '"capabilityCenter": *"[^"]*"' "$DATA/bench-keys.json" | cut -d'"' -f4)")"
if [[ "$status" != 200 ]]; then
  say "match: GET /api/v1/matches/feed answered $status: skipped (demand lists are not in this build)"
else
  bench match --url "$URL" --data "$DATA" --reps 25 --feed-events 1100 --feed-reps 30 | tee "$OUT/match.log"
  grep -E '^(  end to end|  GET /matches/feed|MATCH|FEED)' "$OUT/match.log" >> "$SUMMARY"
fi

echo "== 5. full rebuild through the API"
bench adminrebuild --url "$URL" --data "$DATA" | tee "$OUT/adminrebuild.log"
grep -E '^admin rebuild' "$OUT/adminrebuild.log" >> "$SUMMARY" || true

stop_api
trap - EXIT
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$SUMMARY"
echo
echo "== summary ($SUMMARY)"
cat "$SUMMARY"
