#!/usr/bin/env bash
# Proves the running API keeps to the committed openapi/marketplace.v1.json, with third-party tools (CI runs this):
#   1. Redocly's recommended ruleset and Spectral's OpenAPI ruleset: no errors;
#   2. the API (a fresh data folder, demo catalog) behind Prism's validating proxy; scripts/walkthrough.sh replayed twice
#      on the same data with STRICT=1: every answer, and every request the API accepts, must match the document;
#   3. clients generated from the document — openapi-typescript + openapi-fetch (clients/typescript) and Kiota C#
#      (clients/csharp) — run the walk-through through the same proxy, with no violation.
# Needs: the .NET 10 SDK, Node.js ≥ 20 and npm (packages from the npm registry, pinned by the lock files).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$SECONDS
stage() { printf '\n== %s (at %d s)\n' "$*" $((SECONDS - started)); }

free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

# wait_for FILE PATTERN SECONDS: until a line of FILE matches PATTERN (extended regex); prints the match.
wait_for() {
  local deadline=$((SECONDS + $3)) line
  while ((SECONDS < deadline)); do
    line=$(grep -Eo "$2" "$1" 2>/dev/null | head -n 1 || true)
    [[ -n $line ]] && { echo "$line"; return 0; }
    sleep 0.5
  done
  echo "timed out waiting for /$2/ in $1:" >&2
  tail -n 40 "$1" >&2
  return 1
}

stage "npm packages (tools/contract, clients/typescript)"
npm ci --prefix tools/contract --no-audit --no-fund --loglevel=error
npm ci --prefix clients/typescript --no-audit --no-fund --loglevel=error

stage "Redocly (recommended) and Spectral (spectral:oas): no errors"
tools/contract/node_modules/.bin/redocly lint openapi/marketplace.v1.json --config redocly.yaml 2>&1 | grep -v '║\|╔\|╚' | grep -v '^\s*$'
tools/contract/node_modules/.bin/spectral lint openapi/marketplace.v1.json --ruleset .spectral.yaml --fail-severity error

stage "API on a fresh data folder"
dotnet build Marketplace.Api -v q -nologo -p:CI=true > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
operator_key="contract-check-$(date +%s)-$RANDOM$RANDOM-operator"
(cd Marketplace.Api && exec dotnet bin/Debug/net10.0/Marketplace.Api.dll --urls http://127.0.0.1:0 --demo \
  "--Marketplace:DataDirectory=$work/data" "--Marketplace:Auth:OperatorKey=$operator_key" \
  --Marketplace:RateLimit:AnonymousPermitLimit=100000 --Marketplace:Search:HttpWarmUpSeconds=1) > "$work/api.log" 2>&1 &
pids+=($!)
api=$(wait_for "$work/api.log" 'http://127\.0\.0\.1:[0-9]+' 180)
until curl -sf "$api/health/ready" > /dev/null; do sleep 0.5; done
echo "API at $api"

stage "Prism 5.16 validating proxy"
port=$(free_port)
tools/contract/node_modules/.bin/prism proxy openapi/marketplace.v1.json "$api" --host 127.0.0.1 --port "$port" > "$work/prism.log" 2>&1 &
pids+=($!)
wait_for "$work/prism.log" 'Prism is listening' 120 > /dev/null
proxy=http://127.0.0.1:$port
echo "proxy at $proxy"

for run in 1 2; do
  stage "Walk-through through the proxy, run $run on the same data"
  if ! API=$proxy OP=$operator_key STRICT=1 WALKTHROUGH_LOG="$work/exchanges.txt" scripts/walkthrough.sh > "$work/walkthrough-$run.txt" 2>&1; then
    cat "$work/walkthrough-$run.txt"
    echo "The walk-through failed (run $run): see above." >&2
    exit 1
  fi
  tail -n 1 "$work/walkthrough-$run.txt"
done
node tools/contract/coverage.mjs openapi/marketplace.v1.json "$work/exchanges.txt"

stage "openapi-typescript + openapi-fetch client (strict TypeScript) through the proxy"
(cd clients/typescript && npm run --silent generate && npm run --silent build && API=$proxy OP=$operator_key node obj/walkthrough.js > "$work/typescript.txt") \
  || { cat "$work/typescript.txt" 2>/dev/null; exit 1; }
tail -n 1 "$work/typescript.txt"

stage "Kiota C# client through the proxy"
dotnet build clients/csharp -v q -nologo > "$work/kiota-build.log" 2>&1 || { cat "$work/kiota-build.log"; exit 1; }
dotnet run --no-build --project clients/csharp -- "$proxy" "$operator_key" > "$work/kiota.txt" 2>&1 || { cat "$work/kiota.txt"; exit 1; }
tail -n 1 "$work/kiota.txt"

stage "Contract check passed"
