#!/usr/bin/env bash
# The whole benchmark, in order (loopback only, bounded durations):
#   1. generate N offerings through the real storage path + full index rebuild   (issue 3: rebuild ≥ 5,000/s)
#   2. both query mixes in-process against LuceneOfferingIndex (2 threads): the taxonomy mix and the real-language mix;
#      the large-vocabulary mix within the default postings budget and within one that holds it all
#   3. the API over HTTP (wrk, 2 threads × 32 connections):                    (issues 3 and 10: ≥ 1,000/s at p99 ≤ 50 ms, ≤ 1 GiB)
#      a. cold start: the first 20 s of full load once the API reports ready (real-language mix; p99 ≤ 100 ms)
#      b. each mix after a 10 s warm-up, 30 s measured; resident memory
#      c. the large-vocabulary mix (50,000 distinct words) after the same query shapes over 2,000 words (warm): throughput
#         within 20 % of the warm figure (also shown against 3b's real-language figure, whose queries are shorter), memory
#      d. a full rebuild through the API under full load, then the first 20 s after the swap (p99 ≤ 100 ms)
#   4. demand-list matching (taxonomy sentences and owners' sentences) and the match feed   (issue 4: ≤ 150 ms, ≤ 50 ms)
# Environment: BENCH_DATA (default /tmp/marketplace-bench, deleted first), BENCH_COUNT (100000),
# BENCH_SECONDS (measured wrk duration, 30), BENCH_WARMUP_SECONDS (10), BENCH_COLD_SECONDS (20), BENCH_ENGINE_SECONDS (20),
# BENCH_PORT (5080), BENCH_SKIP_GENERATE=1 to reuse the data, BENCH_SKIP_ENGINE=1 / BENCH_SKIP_MATCH=1 to run only step 3, BENCH_EVAL (folder with the eval-* sets that seed the
# real-language mix; default ../shared beside the repository when present), BENCH_WRK_THREADS (2), BENCH_WRK_CONNECTIONS (32),
# BENCH_RESULT_CACHE (the search result cache's entries in the engine and the API; default 0 = off, because the mixes
# rotate through fixed queries that a cache would answer after the first pass).
# Note: 3d rebuilds the index and 4 adds demand lists: the data folder is changed (the offerings are not).
# Output: bench/out/<timestamp>/ (logs, summary.txt). Run by hand; never part of the test suite.
set -euo pipefail
# The Dockerfile's GC setting (a 64 MiB young generation per heap), for the tool and the API alike.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"  # as in the Dockerfile

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${BENCH_DATA:-/tmp/marketplace-bench}"
COUNT="${BENCH_COUNT:-100000}"
SECONDS_HTTP="${BENCH_SECONDS:-30}"
SECONDS_WARMUP="${BENCH_WARMUP_SECONDS:-10}"
SECONDS_COLD="${BENCH_COLD_SECONDS:-20}"
SECONDS_ENGINE="${BENCH_ENGINE_SECONDS:-20}"
CACHE="${BENCH_RESULT_CACHE:-0}"
PORT="${BENCH_PORT:-5080}"
URL="http://127.0.0.1:${PORT}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
WRK_CONNECTIONS="${BENCH_WRK_CONNECTIONS:-32}"
EVAL="${BENCH_EVAL:-$ROOT/../shared}"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
BIN="$OUT/bin"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
say() { echo "$*" | tee -a "$SUMMARY"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
EVAL_ARGS=()
if [[ -d "$EVAL" ]]; then EVAL_ARGS=(--eval "$EVAL"); fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD))"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  free -g | sed 's/^/free -g: /'
  echo "dotnet: $(dotnet --version)"
  echo "eval texts for the real-language mix: ${EVAL_ARGS[*]:-none}"
  echo "load average before: $(load)"
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

for mix in taxonomy real vocab; do
  bench queries --mix "$mix" "${EVAL_ARGS[@]}" --out "$OUT/paths-$mix.txt" | tee -a "$OUT/queries.log"
done
bench queries --mix vocab --words 2000 --queries 12500 "${EVAL_ARGS[@]}" --out "$OUT/paths-vocab-warm.txt" | tee -a "$OUT/queries.log"
if [[ "${BENCH_SKIP_ENGINE:-0}" != 1 ]]; then
echo "== 2. engine (in-process), both mixes"
for mix in taxonomy real; do
  bench engine --data "$DATA" --mix "$mix" "${EVAL_ARGS[@]}" --threads 2 --seconds "$SECONDS_ENGINE" --warmup 5 --breakdown --cache "$CACHE" \
    --out "$OUT/engine-$mix.json" | tee "$OUT/engine-$mix.log"
  say "engine, $mix mix (load $(load)): $(grep -E '^engine: [0-9]+ threads' "$OUT/engine-$mix.log" | cut -d: -f2-)"
  grep -E '^  process CPU' "$OUT/engine-$mix.log" | sed "s/^ */  /" >> "$SUMMARY"
done
# The large-vocabulary mix within the default postings budget, and with a budget that holds its whole working set: the
# second is the same queries' warm figure (the mix is heavier than the real one: four more words per query).
for mb in 256 4096; do
  bench engine --data "$DATA" --mix vocab "${EVAL_ARGS[@]}" --threads 2 --seconds "$SECONDS_ENGINE" --warmup 5 --cache "$CACHE" --postings-mb "$mb" \
    | tee "$OUT/engine-vocab-$mb.log"
  say "engine, large-vocabulary mix, postings budget $mb MiB (load $(load)): $(grep -E '^engine: [0-9]+ threads' "$OUT/engine-vocab-$mb.log" | cut -d: -f2-)"
  grep -E '^  (process CPU|postings cache)' "$OUT/engine-vocab-$mb.log" | sed "s/^ */  /" >> "$SUMMARY"
done
fi

echo "== 3. API over HTTP"
API_RUN_PID=""
API_PID=""
SAMPLER=""
stop_api() {
  if [[ -n "$SAMPLER" ]] && kill -0 "$SAMPLER" 2>/dev/null; then kill "$SAMPLER" 2>/dev/null || true; fi
  if [[ -n "$API_PID" ]] && kill -0 "$API_PID" 2>/dev/null; then kill "$API_PID" 2>/dev/null || true; fi
  if [[ -n "$API_RUN_PID" ]] && kill -0 "$API_RUN_PID" 2>/dev/null; then kill "$API_RUN_PID" 2>/dev/null || true; fi
  if [[ -n "$API_RUN_PID" ]]; then wait "$API_RUN_PID" 2>/dev/null || true; fi
  API_PID=""; API_RUN_PID=""; SAMPLER=""
}
trap stop_api EXIT
# The anonymous rate limit is validated to ≤ 1,000,000 per window: a 1-second window makes it irrelevant here.
started=$(date +%s.%N)
(cd "$ROOT" && exec dotnet run -c Release --project Marketplace.Api --no-build -- --urls "$URL" \
  --Marketplace:DataDirectory="$DATA" --Marketplace:RateLimit:AnonymousPermitLimit=1000000 --Marketplace:RateLimit:WindowSeconds=1 --Marketplace:Search:ResultCacheEntries="$CACHE") \
  > "$OUT/api.log" 2>&1 &
API_RUN_PID=$!
for _ in $(seq 1 1200); do
  if curl -sf "$URL/health/ready" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$API_RUN_PID" 2>/dev/null; then echo "the API exited; see $OUT/api.log"; exit 1; fi
  sleep 0.1
done
curl -sf "$URL/health/ready" > /dev/null || { echo "the API did not become ready; see $OUT/api.log"; exit 1; }
say "API ready $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s after start (dotnet run, index opened, postings warmed up)"
# `dotnet run` starts the app as its child: that child is the process whose memory counts.
API_PID="$(pgrep -P "$API_RUN_PID" | head -1 || true)"
API_PID="${API_PID:-$API_RUN_PID}"
echo "API ready (dotnet run pid $API_RUN_PID, app pid $API_PID)"
( while kill -0 "$API_PID" 2>/dev/null; do
    awk -v t="$(date +%s)" '/^(Vm(RSS|HWM)|Rss(Anon|File))/ {printf "%s %s %s ", t, $1, $2} END {print ""}' "/proc/$API_PID/status" 2>/dev/null || true
    sleep 1
  done ) > "$OUT/memory.log" &
SAMPLER=$!
rss_max() { awk '{for (i = 1; i <= NF; i++) if ($i == "VmRSS:") print $(i + 1)}' "$OUT/memory.log" | sort -n | tail -1; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status"; }
# Of the peak sample: private memory (heap, native) and mapped index files (page cache the kernel can reclaim).
rss_split() { awk '{r = a = f = 0; for (i = 1; i <= NF; i++) { if ($i == "VmRSS:") r = $(i + 1); if ($i == "RssAnon:") a = $(i + 1); if ($i == "RssFile:") f = $(i + 1) }
  if (r > max) { max = r; anon = a; file = f } } END {printf "of which RssAnon %d kB, RssFile %d kB", anon, file}' "$OUT/memory.log"; }
WRK=(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" --timeout 10s --latency -s "$ROOT/bench/wrk/search.lua" "$URL")
wrk_line() { grep '^WRK' "$1" | sed 's/^WRK //'; }

status="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/offerings/search?q=MES")"
if [[ "$status" != 200 ]]; then
  say "http search: GET /api/v1/offerings/search answered $status: skipped (the search endpoint is not in this build)"
else
  # a. The first seconds of full load after start-up (no warm-up of our own: the API's own, before it reported ready).
  "${WRK[@]}" -d"${SECONDS_COLD}s" -- "$OUT/paths-real.txt" > "$OUT/wrk-cold-start.log" 2>&1
  say "http cold start, real mix, first ${SECONDS_COLD} s after ready (load $(load)): $(wrk_line "$OUT/wrk-cold-start.log")"
  # b. Each mix warm.
  for mix in taxonomy real; do
    "${WRK[@]}" -d"${SECONDS_WARMUP}s" -- "$OUT/paths-$mix.txt" > "$OUT/wrk-warmup-$mix.log" 2>&1
    "${WRK[@]}" -d"${SECONDS_HTTP}s" -- "$OUT/paths-$mix.txt" > "$OUT/wrk-$mix.log" 2>&1
    say "http $mix mix (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${SECONDS_HTTP}s after ${SECONDS_WARMUP} s; load $(load)): $(wrk_line "$OUT/wrk-$mix.log")"
    api_rps="$(grep -o 'rps=[0-9.]*' "$OUT/wrk-$mix.log" | cut -d= -f2)"
    engine_rps="$(grep -o '"searchesPerSecond":[0-9.]*' "$OUT/engine-$mix.json" 2>/dev/null | cut -d: -f2 || true)"
    [[ -n "$engine_rps" ]] && say "  API/engine throughput ratio: $(awk -v a="$api_rps" -v e="$engine_rps" 'BEGIN {printf "%.2f (%s / %s searches/s)", a / e, a, e}')"
  done
  say "API memory after both mixes: max VmRSS $(rss_max) kB ($(rss_split)), VmHWM $(hwm) kB"
  # c. 50,000 distinct words, after the same query shapes over 2,000 words (a working set the postings cache holds).
  "${WRK[@]}" -d"${SECONDS_WARMUP}s" -- "$OUT/paths-vocab-warm.txt" > "$OUT/wrk-warmup-vocab-warm.log" 2>&1
  "${WRK[@]}" -d"${SECONDS_HTTP}s" -- "$OUT/paths-vocab-warm.txt" > "$OUT/wrk-vocab-warm.log" 2>&1
  say "http large-vocabulary query shapes over 2,000 words (warm; load $(load)): $(wrk_line "$OUT/wrk-vocab-warm.log")"
  "${WRK[@]}" -d"${SECONDS_WARMUP}s" -- "$OUT/paths-vocab.txt" > "$OUT/wrk-warmup-vocab.log" 2>&1
  "${WRK[@]}" -d"${SECONDS_HTTP}s" -- "$OUT/paths-vocab.txt" > "$OUT/wrk-vocab.log" 2>&1
  say "http large-vocabulary mix (50,000 distinct words; load $(load)): $(wrk_line "$OUT/wrk-vocab.log")"
  real_rps="$(grep -o 'rps=[0-9.]*' "$OUT/wrk-real.log" | cut -d= -f2)"
  vocab_rps="$(grep -o 'rps=[0-9.]*' "$OUT/wrk-vocab.log" | cut -d= -f2)"
  warm_rps="$(grep -o 'rps=[0-9.]*' "$OUT/wrk-vocab-warm.log" | cut -d= -f2)"
  say "  throughput vs the same query shapes warm: $(awk -v v="$vocab_rps" -v r="$warm_rps" 'BEGIN {printf "%+.0f %%", 100 * (v - r) / r}'); vs the warm real-language mix (shorter queries): $(awk -v v="$vocab_rps" -v r="$real_rps" 'BEGIN {printf "%+.0f %%", 100 * (v - r) / r}')"
  say "API memory after the large vocabulary: max VmRSS $(rss_max) kB ($(rss_split)), VmHWM $(hwm) kB"
  # d. A rebuild swap under full load: load throughout the rebuild, then the first seconds after the swap.
  rm -f "$OUT/swapped"
  "${WRK[@]}" -d600s -- "$OUT/paths-real.txt" > "$OUT/wrk-during-rebuild.log" 2>&1 &
  LOADER=$!
  bench adminrebuild --url "$URL" --data "$DATA" --done-file "$OUT/swapped" > "$OUT/adminrebuild.log" 2>&1 &
  REBUILDER=$!
  while [[ ! -f "$OUT/swapped" ]] && kill -0 "$REBUILDER" 2>/dev/null; do sleep 0.05; done
  kill -INT "$LOADER" 2>/dev/null || true
  "${WRK[@]}" -d"${SECONDS_COLD}s" -- "$OUT/paths-real.txt" > "$OUT/wrk-after-swap.log" 2>&1
  wait "$LOADER" 2>/dev/null || true
  wait "$REBUILDER" || true
  say "$(grep -E '^admin rebuild' "$OUT/adminrebuild.log") (under full load)"
  say "http during the rebuild: $(wrk_line "$OUT/wrk-during-rebuild.log")"
  say "http first ${SECONDS_COLD} s after the swap (load $(load)): $(wrk_line "$OUT/wrk-after-swap.log")"
  say "API memory after the rebuild: max VmRSS $(rss_max) kB ($(rss_split)), VmHWM $(hwm) kB"
fi

echo "== 4. matching and feed"
status="skipped"
[[ "${BENCH_SKIP_MATCH:-0}" != 1 ]] && status="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/matches/feed?limit=1" -H "X-Api-Key: $(grep -o '"capabilityCenter": *"[^"]*"' "$DATA/bench-keys.json" | cut -d'"' -f4)")"
if [[ "$status" == skipped ]]; then
  say "match: skipped (BENCH_SKIP_MATCH=1)"
elif [[ "$status" != 200 ]]; then
  say "match: GET /api/v1/matches/feed answered $status: skipped (demand lists are not in this build)"
else
  for mix in taxonomy real; do
    bench match --url "$URL" --data "$DATA" --mix "$mix" "${EVAL_ARGS[@]}" --reps 25 --feed-events 1100 --feed-reps 30 | tee "$OUT/match-$mix.log"
    say "match, $mix sentences (load $(load)):"
    grep -E '^(  end to end|  GET /matches/feed|MATCH|FEED)' "$OUT/match-$mix.log" >> "$SUMMARY"
  done
fi

stop_api
trap - EXIT
echo "load average after: $(load)" >> "$SUMMARY"
echo
echo "== summary ($SUMMARY)"
cat "$SUMMARY"
