#!/usr/bin/env bash
# The walk-through: what each kind of organization does through the API, step by step with curl, and the documented
# error cases. Run it against a running API (README: `dotnet run --project Marketplace.Api -- --demo`):
#
#   scripts/walkthrough.sh                       # http://localhost:5000, operator key from Marketplace.Api/data/operator-api-key.txt
#   API=http://localhost:5111 OP=<operator key> scripts/walkthrough.sh
#
# It prints every request and the start of every answer (VERBOSE=1: whole answers) and stops at the first answer that
# isn't the one expected. It can run again and again on the same data: every run registers new organizations with fresh
# credit codes. CI runs it through a validating proxy (scripts/contract-check.sh) with STRICT=1: then an exchange the
# proxy finds outside openapi/marketplace.v1.json fails the run (error cases may send requests outside it on purpose;
# their answers must still match).
#
# Extending it: add a section at the end (`section "…"`, then `call`/`expect_*` lines). Sections may use what earlier
# ones set ($OP, $INTEGRATOR, $ENTERPRISE, $CENTER and their ids, $OFFERING, $LIST, $ENGAGEMENT, $CASE). `call STATUS METHOD PATH [KEY] [BODY]`
# fails unless the answer has STATUS; the answer is then in $BODY, its headers in $HEADERS; `field NAME` reads a string
# field of it (failing loudly when absent), `header NAME` a header.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
API=${API:-http://localhost:5000}
API=${API%/}
OP=${OP:-$(cat "$root/Marketplace.Api/data/operator-api-key.txt" 2>/dev/null || true)}
STRICT=${STRICT:-0}
VERBOSE=${VERBOSE:-0}
[[ -n $OP ]] || { echo "No operator key: set OP, or start the API once so it writes Marketplace.Api/data/operator-api-key.txt" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exchanges=0
request_violations=0

section() { printf '\n## %s\n' "$*"; }

# call STATUS METHOD PATH [API KEY] [JSON BODY] [more curl arguments…]
call() {
  local expected=$1 method=$2 path=$3 key=${4:-} body=${5:-}
  shift $(( $# < 5 ? $# : 5 ))
  local args=(-sS -X "$method" "$API$path" -D "$work/headers" -o "$work/body" -w '%{http_code}')
  [[ -n $key ]] && args+=(-H "X-Api-Key: $key")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  printf '→ %s %s\n' "$method" "$path"
  STATUS=$(curl "${args[@]}" "$@")
  BODY=$(cat "$work/body")
  HEADERS=$(tr -d '\r' < "$work/headers")
  exchanges=$((exchanges + 1))
  [[ -n ${WALKTHROUGH_LOG:-} ]] && printf '%s %s %s\n' "$method" "${path%%\?*}" "$STATUS" >> "$WALKTHROUGH_LOG"
  # JSON answers carry no trailing newline (none is due for application/json): the newline is printed here, as curl -w '\n' would.
  if [[ $VERBOSE == 1 || ${#BODY} -le 400 ]]; then printf '← %s %s\n' "$STATUS" "$BODY"; else printf '← %s %s…\n' "$STATUS" "${BODY:0:400}"; fi
  if [[ $STATUS != "$expected" ]]; then
    echo "FAILED: $method $path answered $STATUS, expected $expected" >&2
    exit 1
  fi
  check_violations "$expected" "$method $path"
}

# A validating proxy (Prism) lists what it found outside the document in the sl-violations header.
check_violations() {
  local violations
  violations=$(header sl-violations)
  [[ -z $violations ]] && return 0
  if [[ $1 == 2* ]] || grep -q '"location":\["response"' <<< "$violations"; then
    echo "CONTRACT: $2 ($1): $violations" >&2
    [[ $STRICT == 1 ]] && exit 1
  else
    request_violations=$((request_violations + 1))
    echo "  (the request is outside the document, as this error case intends)"
  fi
  return 0
}

# field NAME: the first string value of "NAME" in the last answer; fails loudly when there is none (never stores an error).
field() {
  local value
  value=$(grep -o "\"$1\":\"[^\"]*\"" <<< "$BODY" | head -n 1 | cut -d '"' -f 4 || true)
  if [[ -z $value ]]; then
    echo "FAILED: the answer has no \"$1\": $BODY" >&2
    exit 1
  fi
  printf '%s' "$value"
}

header() { grep -i "^$1:" <<< "$HEADERS" | head -n 1 | cut -d ' ' -f 2- || true; }

# A fresh 统一社会信用代码 with its GB 32100-2015 check character: 8 given characters, 9 random digits, the check.
credit_code() {
  local alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY weights=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
  local code sum=0 i before
  code=$1$(printf '%09d' $(( (RANDOM * 32768 + RANDOM) % 1000000000 )))
  for ((i = 0; i < 17; i++)); do
    before=${alphabet%%"${code:i:1}"*}
    sum=$((sum + ${#before} * weights[i]))
  done
  printf '%s%s' "$code" "${alphabet:$(( (31 - sum % 31) % 31 )):1}"
}

NONE=00000000-0000-0000-0000-000000000000

section "1. The operator registers an integrator; the answer carries its API key once"
integrator_code=$(credit_code 91500112)
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"integrator\",\"name\":\"重庆巴渝智造机器人有限公司\",\"creditCode\":\"$integrator_code\",\"district\":\"两江新区\"}"
INTEGRATOR=$(field apiKey)
INTEGRATOR_ID=$(field id)
[[ $(header Location) == "/api/v1/organizations/$INTEGRATOR_ID" ]] || { echo "FAILED: Location $(header Location)" >&2; exit 1; }

section "1e. Registration errors"
call 401 POST /api/v1/organizations "" '{"kind":"integrator"}'
call 401 GET /api/v1/organizations/me "not-a-key-of-anyone-0123456789"
call 403 POST /api/v1/organizations "$INTEGRATOR" '{"kind":"integrator"}'
call 409 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"integrator\",\"name\":\"同一信用代码的另一家公司\",\"creditCode\":\"$integrator_code\",\"district\":\"渝北区\"}"
call 400 POST /api/v1/organizations "$OP" \
  '{"kind":"integrator","name":"校验码错误的公司","creditCode":"91500112MA61BY3K4A","district":"两江新区"}'
call 400 POST /api/v1/organizations "$OP" '{"kind":"enterprise","name":"缺少行业和规模的企业","creditCode":"'"$(credit_code 91500120)"'","district":"璧山区"}'
call 415 POST /api/v1/organizations "$OP" "" -H 'Content-Type: text/plain' --data-binary 'kind=integrator'

section "2. The integrator creates a draft offering and submits it for review"
offering_body='{
  "type":"solution","title":"六轴弧焊机器人工作站","summary":"替代人工焊接，适合车架、钢结构中小批量焊接",
  "description":"六轴弧焊机器人配变位机与焊缝跟踪，焊缝均匀，减少返工，一套替代两到三名焊工。",
  "directions":["machinery"],"subDirections":["machinery.welding"],"keywords":["弧焊机器人","焊接"],
  "deployment":"hardware","priceMinYuan":250000,"priceMaxYuan":600000,"implementationDays":45,"districts":["全市"]}'
call 201 POST /api/v1/offerings "$INTEGRATOR" "$offering_body"
OFFERING=$(field id)
[[ $(header Location) == "/api/v1/offerings/$OFFERING" ]] || { echo "FAILED: Location $(header Location)" >&2; exit 1; }
call 200 POST "/api/v1/offerings/$OFFERING/submit" "$INTEGRATOR"

section "2e. Offering errors"
call 400 POST /api/v1/offerings "$INTEGRATOR" '{"type":"solution","title":"只有标题"}'
call 400 POST /api/v1/offerings "$INTEGRATOR" "${offering_body/\"machinery.welding\"/\"food.sterilization\"}"
call 403 POST /api/v1/offerings "$OP" "$offering_body"
call 409 POST "/api/v1/offerings/$OFFERING/submit" "$INTEGRATOR"

section "3. The operator approves it: published, and indexed for search"
call 200 GET "/api/v1/offerings?status=submitted&pageSize=100" "$OP"
call 200 POST "/api/v1/offerings/$OFFERING/approve" "$OP"
call 409 POST "/api/v1/offerings/$OFFERING/approve" "$OP"

section "4. Anyone reads it, and finds it by a Chinese query and its direction (searchable within about 2 s)"
call 200 GET /api/v1/taxonomy
call 200 GET "/api/v1/offerings/$OFFERING"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  call 200 GET /api/v1/offerings/search "" "" -G --data-urlencode q=焊接机器人 -d direction=machinery -d pageSize=100
  grep -q "\"id\":\"$OFFERING\"" <<< "$BODY" && break
  [[ $attempt == 10 ]] && { echo "FAILED: the offering was not found by search within 5 s" >&2; exit 1; }
  sleep 0.5
done
call 200 GET "/api/v1/offerings?pageSize=5"

section "4e. Read errors"
call 404 GET "/api/v1/offerings/$NONE"
call 400 GET "/api/v1/offerings/search?direction=no-such-direction"
call 400 GET "/api/v1/offerings/search?pageSize=1000"

section "5. Editing a published offering: a new revision under review while the published one stays visible"
call 200 GET "/api/v1/offerings/$OFFERING" "$INTEGRATOR"
etag=$(header ETag)
[[ -n $etag ]] || { echo "FAILED: no ETag" >&2; exit 1; }
edited_body=${offering_body/\"implementationDays\":45/\"implementationDays\":40}
call 428 PUT "/api/v1/offerings/$OFFERING" "$INTEGRATOR" "$edited_body"
call 412 PUT "/api/v1/offerings/$OFFERING" "$INTEGRATOR" "$edited_body" -H 'If-Match: "999999"'
call 200 PUT "/api/v1/offerings/$OFFERING" "$INTEGRATOR" "$edited_body" -H "If-Match: $etag"
call 200 POST "/api/v1/offerings/$OFFERING/submit" "$INTEGRATOR" "" -H "If-Match: $(header ETag)"
call 400 POST "/api/v1/offerings/$OFFERING/reject" "$OP" '{}'
call 200 POST "/api/v1/offerings/$OFFERING/reject" "$OP" '{"reason":"请补充焊缝跟踪的精度指标"}'
call 200 POST "/api/v1/offerings/$OFFERING/submit" "$INTEGRATOR"
call 200 POST "/api/v1/offerings/$OFFERING/approve" "$OP"
call 200 GET "/api/v1/offerings/$OFFERING/history" "$INTEGRATOR"
call 200 GET "/api/v1/offerings?owner=me" "$INTEGRATOR"

section "6. The operator registers an enterprise (district, industry and scale shape matching) and a capability center"
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"enterprise\",\"name\":\"重庆璧丰摩托车配件有限公司\",\"creditCode\":\"$(credit_code 91500120)\",\"district\":\"璧山区\",\"industry\":\"摩托车零部件制造\",\"scale\":\"规下高成长\",\"discloseName\":true}"
ENTERPRISE=$(field apiKey)
ENTERPRISE_ID=$(field id)
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"capability-center\",\"name\":\"重庆市产业大脑能力中心\",\"creditCode\":\"$(credit_code 12500000)\",\"district\":\"渝北区\"}"
CENTER=$(field apiKey)

section "7. The enterprise submits a demand list (需求清单) in its own words; each item is matched at once"
call 201 POST /api/v1/demand-lists "$ENTERPRISE" '{
  "title":"车架焊接与设备联网","items":[
  {"text":"车架焊接全靠老焊工，焊缝宽窄不一，客户投诉多，想让机器人焊","budgetYuan":500000,"withinDays":60},
  {"text":"几十台机床哪台在干活、一天出多少件全靠报数，想先看清楚","budgetYuan":80000,"withinDays":30}]}'
LIST=$(field id)
call 200 GET "/api/v1/demand-lists/$LIST/matches?topK=5" "$ENTERPRISE"
call 200 GET /api/v1/demand-lists "$ENTERPRISE"
call 200 GET "/api/v1/demand-lists/$LIST" "$ENTERPRISE"
list_etag=$(header ETag)
item=$(grep -o '"items":\[{"id":"[^"]*"' <<< "$BODY" | cut -d '"' -f 6)
[[ -n $item ]] || { echo "FAILED: no item id in $BODY" >&2; exit 1; }
call 200 PUT "/api/v1/demand-lists/$LIST" "$ENTERPRISE" \
  "{\"title\":\"车架焊接\",\"items\":[{\"id\":\"$item\",\"text\":\"车架焊接全靠老焊工，焊缝宽窄不一，想让机器人焊\",\"direction\":\"machinery\",\"subDirection\":\"machinery.welding\",\"budgetYuan\":500000,\"withinDays\":60}]}" \
  -H "If-Match: $list_etag"

section "7e. Demand errors"
call 400 POST /api/v1/demand-lists "$ENTERPRISE" '{"title":"空清单","items":[]}'
call 400 GET "/api/v1/demand-lists/$LIST/matches?topK=51" "$ENTERPRISE"
call 403 POST /api/v1/demand-lists "$INTEGRATOR" '{"items":[{"text":"服务商不能提交需求"}]}'
call 404 GET "/api/v1/demand-lists/$NONE" "$ENTERPRISE"

section "8. The integrator sees the leads its offerings match; the capability center pulls match events and statistics, and polls a list (304 while unchanged)"
call 200 GET /api/v1/leads "$INTEGRATOR"
call 200 GET "/api/v1/matches/feed?limit=100" "$CENTER"
cursor=$(field nextCursor)
call 200 GET "/api/v1/matches/feed?limit=100&after=$cursor" "$CENTER"
call 200 GET /api/v1/stats/supply-demand "$CENTER"
call 200 GET "/api/v1/demand-lists/$LIST" "$CENTER"
call 304 GET "/api/v1/demand-lists/$LIST" "$CENTER" "" -H "If-None-Match: $(header ETag)"
call 403 GET /api/v1/matches/feed "$ENTERPRISE"
call 400 GET "/api/v1/stats/supply-demand?threshold=2" "$CENTER"

section "8b. From a match to a result: an engagement (对接), 验收 with measured outcomes, a rating and a published case"
call 201 POST /api/v1/engagements "$ENTERPRISE" \
  "{\"itemId\":\"$item\",\"offeringId\":\"$OFFERING\",\"message\":\"想了解弧焊机器人工作站的报价和交付周期\",\"contact\":{\"name\":\"王经理\",\"phone\":\"023-6512 3456\"}}"
ENGAGEMENT=$(field id)
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"accept","note":"可上门勘察"}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$ENTERPRISE" '{"action":"contract","agreedPriceYuan":450000,"plannedDays":45}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"deliver","note":"设备安装调试完成"}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$ENTERPRISE" '{"action":"verify","actualCostYuan":460000,"actualDays":42,"outcomes":[
  {"dimension":"quality","metric":"焊缝一次合格率","unit":"%","baseline":92,"actual":98},
  {"dimension":"economic-benefit","metric":"焊工人数","unit":"人","baseline":8,"actual":3},
  {"dimension":"technology-process","metric":"单件焊接工时","unit":"分钟/件","baseline":30,"actual":18}]}' -H "If-Match: $(header ETag)"
call 200 GET "/api/v1/engagements/$ENGAGEMENT" "$INTEGRATOR"
call 200 GET "/api/v1/demand-lists/$LIST" "$ENTERPRISE"
call 201 POST "/api/v1/engagements/$ENGAGEMENT/rating" "$ENTERPRISE" '{"quality":5,"timeliness":4,"value":5,"comment":"焊缝一次合格率明显提升，按期交付"}'
call 200 GET "/api/v1/integrators/$INTEGRATOR_ID/profile"
call 201 POST /api/v1/cases "$INTEGRATOR" \
  "{\"engagementId\":\"$ENGAGEMENT\",\"title\":\"摩托车车架机器人焊接改造\",\"summary\":\"六轴弧焊机器人工作站替代人工焊接车架：焊工由8人减到3人，焊缝一次合格率由92%升到98%。\"}"
CASE=$(field id)
call 200 POST "/api/v1/cases/$CASE/consent" "$ENTERPRISE" '{"named":true}'
call 200 POST "/api/v1/cases/$CASE/approve" "$OP"
call 200 GET /api/v1/cases/search "" "" -G --data-urlencode q=车架焊接机器人 --data-urlencode district=璧山区
grep -q "\"id\":\"$CASE\"" <<< "$BODY" || { echo "FAILED: the published case was not found in the library" >&2; exit 1; }
call 200 GET "/api/v1/offerings/$OFFERING"

section "8be. Engagement errors"
call 400 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$ENTERPRISE" '{"action":"approve"}' -H 'If-Match: *'
call 409 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"deliver"}' -H 'If-Match: *'
call 428 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$ENTERPRISE" '{"action":"close"}'
call 400 POST "/api/v1/engagements/$ENGAGEMENT/rating" "$ENTERPRISE" '{"quality":6,"timeliness":4,"value":5}'
call 404 GET "/api/v1/engagements/$ENGAGEMENT" "$CENTER"

section "8c. Webhooks: an endpoint per event type, its signing secret shown once, rotated, deliveries inspected (docs/webhooks.md)"
call 200 GET /api/v1/webhooks/event-types "$INTEGRATOR"
call 201 POST /api/v1/webhooks "$INTEGRATOR" '{"url":"https://partner.example/hooks/marketplace","eventTypes":["lead.created","review.decided","engagement.changed"]}'
HOOK=$(field id)
call 200 GET "/api/v1/webhooks/$HOOK" "$INTEGRATOR"
call 304 GET "/api/v1/webhooks/$HOOK" "$INTEGRATOR" "" -H "If-None-Match: $(header ETag)"
call 200 GET "/api/v1/webhooks/$HOOK/deliveries?status=dead" "$INTEGRATOR"
call 200 POST "/api/v1/webhooks/$HOOK/rotate-secret" "$INTEGRATOR"
call 204 DELETE "/api/v1/webhooks/$HOOK" "$INTEGRATOR"
call 400 POST /api/v1/webhooks "$ENTERPRISE" '{"url":"https://partner.example/hooks/x","eventTypes":["lead.created"]}'

section "9. Closing, retiring, and the operator's index rebuild"
call 200 POST "/api/v1/demand-lists/$LIST/close" "$ENTERPRISE"
call 409 PUT "/api/v1/demand-lists/$LIST" "$ENTERPRISE" '{"items":[{"text":"已关闭的清单不能修改"}]}' -H 'If-Match: *'
call 200 POST "/api/v1/offerings/$OFFERING/retire" "$INTEGRATOR"
call 202 POST /api/v1/admin/search/rebuild "$OP"
call 200 GET "$(header Location)" "$OP"

section "10. Organizations and their keys: rotate (the old key stops at once), list, revoke"
call 200 GET /api/v1/organizations/me "$ENTERPRISE"
call 200 GET "/api/v1/organizations?kind=enterprise&pageSize=5" "$OP"
call 200 GET "/api/v1/organizations/$ENTERPRISE_ID" "$OP"
call 404 GET "/api/v1/organizations/$INTEGRATOR_ID" "$ENTERPRISE"
call 200 POST "/api/v1/organizations/$ENTERPRISE_ID/api-keys/rotate" "$ENTERPRISE"
old_key=$ENTERPRISE
ENTERPRISE=$(field apiKey)
key_id=$(field id)
call 401 GET /api/v1/organizations/me "$old_key"
call 200 GET "/api/v1/organizations/$ENTERPRISE_ID/api-keys" "$ENTERPRISE"
call 204 DELETE "/api/v1/organizations/$ENTERPRISE_ID/api-keys/$key_id" "$OP"
call 401 GET /api/v1/organizations/me "$ENTERPRISE"

section "11. Engagements (对接) and ratings: an enterprise engages a matched integrator, 验收 with measured outcomes, rates it"
call 201 POST /api/v1/offerings "$INTEGRATOR" "$offering_body"
OFFERING=$(field id)
call 200 POST "/api/v1/offerings/$OFFERING/submit" "$INTEGRATOR"
call 200 POST "/api/v1/offerings/$OFFERING/approve" "$OP"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  call 200 GET /api/v1/offerings/search "" "" -G --data-urlencode q=弧焊机器人 -d pageSize=100
  grep -q "\"id\":\"$OFFERING\"" <<< "$BODY" && break
  [[ $attempt == 10 ]] && { echo "FAILED: the offering was not found by search within 5 s" >&2; exit 1; }
  sleep 0.5
done
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"enterprise\",\"name\":\"重庆渝铸机车部件有限公司\",\"creditCode\":\"$(credit_code 91500113)\",\"district\":\"巴南区\",\"industry\":\"摩托车车架制造\",\"scale\":\"规上\"}"
BUYER=$(field apiKey)
call 201 POST /api/v1/demand-lists "$BUYER" '{"items":[{"text":"车架弧焊全靠人工，焊缝不均匀，想上弧焊机器人工作站","budgetYuan":600000,"withinDays":90}]}'
buyer_item=$(grep -o '"items":\[{"id":"[^"]*"' <<< "$BODY" | cut -d '"' -f 6)
[[ -n $buyer_item ]] || { echo "FAILED: no item id in $BODY" >&2; exit 1; }
call 200 GET "/api/v1/demand-lists/$(field id)/matches?topK=50" "$BUYER"
grep -q "\"offeringId\":\"$OFFERING\"" <<< "$BODY" || { echo "FAILED: the new offering is not among the item's matches" >&2; exit 1; }
call 201 POST /api/v1/engagements "$BUYER" \
  "{\"itemId\":\"$buyer_item\",\"offeringId\":\"$OFFERING\",\"message\":\"想了解弧焊工作站的交付周期\",\"contact\":{\"name\":\"王工\",\"phone\":\"023-68000000\"}}"
ENGAGEMENT=$(field id)
etag=$(header ETag)
call 428 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"accept"}'
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"accept","note":"可安排现场勘察"}' -H "If-Match: $etag"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$BUYER" '{"action":"contract","agreedPriceYuan":480000,"plannedDays":45}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$INTEGRATOR" '{"action":"deliver"}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$BUYER" \
  '{"action":"verify","actualCostYuan":470000,"actualDays":50,"outcomes":[{"dimension":"quality","metric":"一次合格率","unit":"%","baseline":82,"actual":96}]}' \
  -H "If-Match: $(header ETag)"
call 200 GET "/api/v1/engagements/$ENGAGEMENT" "$INTEGRATOR"
call 200 GET /api/v1/engagements "$BUYER"
call 201 POST "/api/v1/engagements/$ENGAGEMENT/rating" "$BUYER" '{"quality":5,"timeliness":4,"value":5,"comment":"焊缝均匀，返工少"}'
call 409 POST "/api/v1/engagements/$ENGAGEMENT/rating" "$BUYER" '{"quality":5,"timeliness":5,"value":5}'
call 200 GET "/api/v1/engagements/$ENGAGEMENT/rating" "$INTEGRATOR"
call 200 PUT "/api/v1/engagements/$ENGAGEMENT/rating" "$BUYER" '{"quality":5,"timeliness":5,"value":5,"comment":"焊缝均匀"}' -H "If-Match: $(header ETag)"
call 200 POST "/api/v1/engagements/$ENGAGEMENT/rating/hide-comment" "$OP" '{"reason":"演示：运营方隐藏评论"}'
call 200 GET "/api/v1/integrators/$INTEGRATOR_ID/profile"
call 200 GET "/api/v1/integrators/$INTEGRATOR_ID/ratings"
call 400 POST "/api/v1/engagements/$ENGAGEMENT/transitions" "$BUYER" '{"action":"no-such-action"}' -H 'If-Match: *'

section "12. The government side: a district office, an assessor, a plan project, a diagnosis that becomes a matched list"
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"district\",\"name\":\"璧山区经济和信息化委员会\",\"creditCode\":\"$(credit_code 11500120)\",\"district\":\"璧山区\"}"
DISTRICT=$(field apiKey)
call 201 POST /api/v1/organizations "$OP" \
  "{\"kind\":\"assessor\",\"name\":\"重庆智造诊断评估有限公司\",\"creditCode\":\"$(credit_code 91500105)\",\"district\":\"江北区\"}"
ASSESSOR=$(field apiKey)
ASSESSOR_ID=$(field id)
# The district office registers an enterprise it found while surveying (扫街摸排); the integrator publishes an offering to match.
call 201 POST /api/v1/organizations "$DISTRICT" \
  "{\"kind\":\"enterprise\",\"name\":\"重庆璧山精工机械有限公司\",\"creditCode\":\"$(credit_code 91500120)\",\"district\":\"璧山区\",\"industry\":\"汽车零部件制造\",\"scale\":\"规上\"}"
PLANNED=$(field apiKey)
PLANNED_ID=$(field id)
# The office hands the key over; the enterprise rotates it first, so that from now on only it acts as the enterprise.
call 200 POST "/api/v1/organizations/$PLANNED_ID/api-keys/rotate" "$PLANNED"
PLANNED=$(field apiKey)
call 200 GET "/api/v1/organizations?kind=enterprise&pageSize=5" "$DISTRICT"
call 201 POST /api/v1/offerings "$INTEGRATOR" "$offering_body"
welding=$(field id)
call 200 POST "/api/v1/offerings/$welding/submit" "$INTEGRATOR"
call 200 POST "/api/v1/offerings/$welding/approve" "$OP"
sleep 2
call 201 POST /api/v1/plan-projects "$DISTRICT" "{\"year\":$(date +%Y),\"enterpriseId\":\"$PLANNED_ID\",\"title\":\"车架焊接自动化改造\",
  \"directions\":[\"machinery\"],\"subDirections\":[\"machinery.welding\"],\"plannedInvestmentYuan\":1200000,
  \"plannedStart\":\"$(date +%Y)-03-01\",\"plannedFinish\":\"$(date +%Y)-10-31\"}"
PROJECT=$(field id)
call 400 POST "/api/v1/plan-projects/$PROJECT/status" "$DISTRICT" '{"status":"implementing"}'
call 201 POST /api/v1/diagnoses "$DISTRICT" "{\"planProjectId\":\"$PROJECT\",\"assessorId\":\"$ASSESSOR_ID\"}"
DIAGNOSIS=$(field id)
report='{"summary":"焊接依赖人工，建议上焊接机器人。","scores":[
  {"dimension":"equipment","level":2},{"dimension":"production","level":2},{"dimension":"quality","level":1},
  {"dimension":"energy-environment","level":2},{"dimension":"data-network","level":1},{"dimension":"supply-chain","level":2}],
  "findings":[{"dimension":"equipment","text":"车架焊接全部人工，焊缝宽窄不一，返工多","severity":"high","subDirection":"machinery.welding"}],
  "recommendations":[{"finding":1,"text":"引入弧焊机器人工作站替代人工焊接车架","budgetYuan":500000,"withinDays":90}]}'
call 400 PUT "/api/v1/diagnoses/$DIAGNOSIS/draft" "$ASSESSOR" '{"scores":[{"dimension":"morale","level":6}]}' -H 'If-Match: *'
call 200 PUT "/api/v1/diagnoses/$DIAGNOSIS/draft" "$ASSESSOR" "$report" -H 'If-Match: *'
call 201 POST "/api/v1/diagnoses/$DIAGNOSIS/submit" "$ASSESSOR"
call 200 GET "/api/v1/diagnoses/$DIAGNOSIS/result" "$PLANNED"
call 200 POST "/api/v1/diagnoses/$DIAGNOSIS/accept" "$PLANNED"
call 200 GET "/api/v1/plan-projects/$PROJECT" "$DISTRICT"
call 200 GET "/api/v1/plan-projects/rolling" "$DISTRICT"
call 404 GET "/api/v1/diagnoses/$DIAGNOSIS" "$INTEGRATOR"

section "13. Financing needs (技改专项贷) and the scoreboard (五色图)"
call 201 POST /api/v1/financing-needs "$PLANNED" "{\"planProjectId\":\"$PROJECT\",\"amountYuan\":800000,\"termMonths\":36,
  \"purpose\":\"购置弧焊机器人工作站\",\"expectedBenefits\":\"返工率下降一半\"}"
NEED=$(field id)
NEED_ETAG=$(header etag)
call 200 POST "/api/v1/financing-needs/$NEED/confirm" "$DISTRICT" "" -H "If-Match: $NEED_ETAG"
call 200 GET "/api/v1/financing-needs/export?format=csv" "$DISTRICT"
call 200 GET /api/v1/scoreboard
call 200 GET /api/v1/scoreboard/chart.svg
call 200 GET /api/v1/scoreboard/districts/500120/enterprises "$DISTRICT"

section "14. Bulk files: the import template, a dry run with per-row errors, an operator export"
call 200 GET "/api/v1/offering-imports/template?format=csv"
printf '%s\r\n' "$BODY" > "$work/import.csv"
printf '解决方案,焊接机器人工作站（导入）,替代人工焊接,六轴弧焊机器人配变位机,机械制造,焊接工艺设备,焊接,硬件设备,250000,600000,45,全市,,,,\r\n' >> "$work/import.csv"
printf '解决方案,=1+1,公式,公式,机械制造,,,硬件设备,1,2,3,全市,,,,\r\n' >> "$work/import.csv"
call 202 POST "/api/v1/offering-imports?fileName=import.csv" "$INTEGRATOR" "" -H 'Content-Type: text/csv' --data-binary "@$work/import.csv"
import=$(header Location)
for attempt in $(seq 1 40); do
  call 200 GET "$import" "$INTEGRATOR"
  [[ $(field status) =~ succeeded|failed ]] && break
  sleep 0.25
done
call 200 GET "$import/errors" "$INTEGRATOR"
call 202 POST "/api/v1/exports" "$OP" '{"kind":"offerings","format":"xlsx"}'
call 200 GET "$(header Location)" "$OP"

printf '\nWalk-through done: %d exchanges' "$exchanges"
[[ $request_violations -gt 0 ]] && printf ' (%d error cases sent requests outside the document on purpose)' "$request_violations"
printf '.\n'
