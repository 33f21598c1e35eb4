#!/usr/bin/env bash
# Issue 13's import benchmark: a 10,000-row offering file with 50 bad rows through the running API on the embedded
# default (SQLite + Lucene, a fresh data folder): dry run (must report exactly the 50), then import of the other 9,950
# as drafts; wall-clock times and the API's resident memory (VmRSS every 100 ms). Also a 50,000-row run, to show that
# memory does not grow with the file. Loopback only; run by hand, never part of the test suite.
# Environment: IMPORT_ROWS (default "10000 50000"), IMPORT_FORMATS (default "xlsx csv"), IMPORT_PORT (5213).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${IMPORT_PORT:-5213}"
URL="http://127.0.0.1:${PORT}"
KEY="bench-import-operator-key-0123456789"
OUT="$ROOT/bench/out/import-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
dotnet build "$ROOT/Marketplace.Api" -c Release -v q -nologo -o "$OUT/api" > /dev/null
dotnet build "$ROOT/bench/Marketplace.Bench" -c Release -v q -nologo -o "$OUT/bench" > /dev/null
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit: $(git -C "$ROOT" rev-parse --short HEAD)  nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
} | tee "$OUT/summary.txt"
for rows in ${IMPORT_ROWS:-10000 50000}; do
  for format in ${IMPORT_FORMATS:-xlsx csv}; do
    DATA="$(mktemp -d)"
    "$OUT/api/Marketplace.Api" --urls "$URL" --Marketplace:DataDirectory="$DATA" --Marketplace:Auth:OperatorKey="$KEY" \
      --Marketplace:Bulk:MaxRows=100000 > "$OUT/api-$rows-$format.log" 2>&1 &
    API_PID=$!
    for _ in $(seq 1 120); do curl -sf "$URL/health/ready" > /dev/null && break; sleep 0.5; done
    echo "== $rows rows, $format, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
    "$OUT/bench/Marketplace.Bench" import --url "$URL" --operator-key "$KEY" --rows "$rows" --bad 50 --format "$format" --pid "$API_PID" \
      | tee -a "$OUT/summary.txt" || echo "  CHECK FAILED" | tee -a "$OUT/summary.txt"
    echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
    kill "$API_PID"; wait "$API_PID" 2>/dev/null || true
    rm -rf "$DATA"
  done
done
echo "summary: $OUT/summary.txt"
