# -*- coding: utf-8 -*-
"""Validator for set E. Exit code 0 and 'OK' when every check passes."""
import json, os, re, sys
from collections import Counter, defaultdict

BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALPH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
AREA = {"渝北区": "500112", "九龙坡区": "500107", "沙坪坝区": "500106", "江北区": "500105",
        "璧山区": "500120", "永川区": "500118", "涪陵区": "500102", "长寿区": "500115",
        "綦江区": "500110", "江津区": "500116", "合川区": "500117", "南岸区": "500108",
        "巴南区": "500113", "北碚区": "500109", "大渡口区": "500104", "渝中区": "500103"}
CQ = set(AREA) | {"荣昌区", "铜梁区", "大足区", "潼南区", "万州区", "黔江区", "开州区", "梁平区",
                  "武隆区", "南川区", "两江新区", "全市"}
DIRS = {"machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food",
        "light-textile", "general"}
BANNED = ["系统", "平台", "智能", "数字化", "信息化", "检测", "监测", "追溯", "管控", "采集", "看板",
          "视觉", "机器人", "自动化", "预测性", "能耗", "MES", "ERP", "WMS", "AGV", "SCADA", "PLC",
          "物联网", "云"]
# extra catalog words this set also keeps out of demand texts (own stricter rule)
SOFT = ["余热", "排产", "排程", "进销存", "报工", "条码", "扫码", "联网", "变频", "节能", "预警",
        "传感", "在线", "数据", "软件", "电子批记录", "排版", "追踪", "机械手", "OEE", "自动"]
EXCLUDED_INDUSTRY = ["造纸", "齿轮", "火锅", "铸造", "服装", "适配器", "商品混凝土", "混凝土", "水性涂料",
                     "摩托车", "定制家具", "板式家具"]

errors = []
def err(m): errors.append(m)

OFF_KEYS = ["key", "supplier", "type", "title", "summary", "description", "directions", "keywords",
            "deployment", "priceMinYuan", "priceMaxYuan", "implementationDays", "districts"]
DEM_KEYS = ["list", "enterprise", "item", "text", "direction", "budgetYuan", "withinDays"]

def check_credit(code, district):
    if len(code) != 18: return "length %d" % len(code)
    if any(c not in ALPH for c in code): return "bad characters"
    if not code.startswith("91"): return "does not start with 91"
    if code[2:8] != AREA.get(district): return "area code %s does not match %s" % (code[2:8], district)
    tot = sum(ALPH.index(c) * w for c, w in zip(code[:17], W))
    if ALPH[(31 - tot % 31) % 31] != code[17]: return "check character wrong"
    return None

def sentences(t):
    return [s for s in re.split(r"[。！？]", t) if s.strip()]

# ---------- offerings ----------
offs = [json.loads(l) for l in open(os.path.join(BASE, "offerings.jsonl"), encoding="utf-8") if l.strip()]
if len(offs) != 60: err("offerings: %d, expected 60" % len(offs))
omap = {}
sup_offers = defaultdict(list)
sup_info = {}
primary = Counter()
for i, o in enumerate(offs, 1):
    k = o.get("key")
    if list(o.keys()) != OFF_KEYS: err("%s: keys %s" % (k, list(o.keys())))
    if k != "E-O-%03d" % i: err("offering %d key %s" % (i, k))
    omap[k] = o
    s = o["supplier"]
    if list(s.keys()) != ["name", "creditCode", "district"]: err("%s: supplier keys" % k)
    if s["district"] not in AREA: err("%s: supplier district %s has no area code" % (k, s["district"]))
    else:
        p = check_credit(s["creditCode"], s["district"])
        if p: err("%s: credit code %s: %s" % (k, s["creditCode"], p))
    if s["name"] in sup_info and sup_info[s["name"]] != (s["creditCode"], s["district"]):
        err("%s: supplier %s inconsistent" % (k, s["name"]))
    sup_info[s["name"]] = (s["creditCode"], s["district"])
    sup_offers[s["name"]].append(k)
    if o["type"] not in ("solution", "component", "tool"): err("%s: type" % k)
    if o["deployment"] not in ("saas", "on-premise", "hybrid", "hardware"): err("%s: deployment" % k)
    if not (1 <= len(o["directions"]) <= 2) or any(d not in DIRS for d in o["directions"]) \
            or len(set(o["directions"])) != len(o["directions"]):
        err("%s: directions %s" % (k, o["directions"]))
    primary[o["directions"][0]] += 1
    if not (3 <= len(o["keywords"]) <= 6): err("%s: %d keywords" % (k, len(o["keywords"])))
    n = len(sentences(o["description"]))
    if not (3 <= n <= 5): err("%s: description has %d sentences" % (k, n))
    for f in ("title", "summary", "description"):
        if not isinstance(o[f], str) or not o[f].strip(): err("%s: empty %s" % (k, f))
    for f in ("priceMinYuan", "priceMaxYuan", "implementationDays"):
        if not isinstance(o[f], int) or isinstance(o[f], bool) or o[f] <= 0: err("%s: %s" % (k, f))
    if o["priceMinYuan"] > o["priceMaxYuan"]: err("%s: price min > max" % k)
    if not (7 <= o["implementationDays"] <= 365): err("%s: implementationDays" % k)
    if not o["districts"] or any(d not in CQ for d in o["districts"]): err("%s: districts %s" % (k, o["districts"]))
    if "全市" in o["districts"] and len(o["districts"]) > 1: err("%s: 全市 mixed with districts" % k)
if len(sup_offers) != 10: err("suppliers: %d, expected 10" % len(sup_offers))
for n, ks in sup_offers.items():
    if len(ks) != 6: err("supplier %s has %d offerings" % (n, len(ks)))
if len({c for c, _ in sup_info.values()}) != len(sup_info): err("duplicate credit codes")
if set(primary) != DIRS: err("primary directions do not cover all eight: %s" % dict(primary))
if not (13 <= primary["general"] <= 17): err("primary general = %d, expected about 15" % primary["general"])
if len({o["title"] for o in offs}) != 60: err("duplicate offering titles")
cheap = [o for o in offs if o["priceMinYuan"] < 10000 and o["implementationDays"] <= 30]
heavy = [o for o in offs if o["priceMinYuan"] >= 500000]
if len(cheap) < 5 or len(heavy) < 8: err("price mix: %d cheap, %d heavy" % (len(cheap), len(heavy)))

# ---------- demands ----------
dems = [json.loads(l) for l in open(os.path.join(BASE, "demands.jsonl"), encoding="utf-8") if l.strip()]
if len(dems) != 30: err("demand items: %d, expected 30" % len(dems))
dmap = {}
lists = defaultdict(list)
ents = {}
for d in dems:
    it = d.get("item")
    if list(d.keys()) != DEM_KEYS: err("%s: keys %s" % (it, list(d.keys())))
    if list(d["enterprise"].keys()) != ["name", "district", "industry", "scale"]: err("%s: enterprise keys" % it)
    if not re.fullmatch(r"E-D-\d\d", d["list"]) or not re.fullmatch(re.escape(d["list"]) + r"-[1-3]", it):
        err("%s: list/item key" % it)
    dmap[it] = d
    lists[d["list"]].append(it)
    e = d["enterprise"]
    if d["list"] in ents and ents[d["list"]] != e: err("%s: enterprise differs within list" % it)
    ents[d["list"]] = e
    if e["district"] not in CQ or e["district"] == "全市": err("%s: enterprise district" % it)
    if e["scale"] not in ("规上", "规下高成长"): err("%s: scale" % it)
    if any(x in e["industry"] for x in EXCLUDED_INDUSTRY): err("%s: excluded industry %s" % (it, e["industry"]))
    t = d["text"]
    if not (50 <= len(t) <= 150): err("%s: text length %d" % (it, len(t)))
    for w in BANNED:
        if w.lower() in t.lower(): err("%s: banned word %s" % (it, w))
    for w in SOFT:
        if w.lower() in t.lower(): err("%s: catalog word %s" % (it, w))
    if d["direction"] is not None and d["direction"] not in DIRS: err("%s: direction" % it)
    for f in ("budgetYuan", "withinDays"):
        v = d[f]
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v <= 0): err("%s: %s" % (it, f))
if len(lists) != 10: err("lists: %d" % len(lists))
for l, its in lists.items():
    if len(its) != 3: err("list %s has %d items" % (l, len(its)))
if len({e["industry"] for e in ents.values()}) != 10: err("industries not distinct")
if len({e["name"] for e in ents.values()}) != 10: err("enterprise names not distinct")
null_dir = sum(1 for d in dems if d["direction"] is None)
if not (6 <= null_dir <= 9): err("direction null on %d items, expected about 25%%" % null_dir)
any_null = sum(1 for d in dems if d["budgetYuan"] is None or d["withinDays"] is None)
if not (8 <= any_null <= 12): err("items with null budget or deadline: %d, expected about a third" % any_null)
# non-null direction must be consistent within an enterprise list
for l, its in lists.items():
    ds = {dmap[i]["direction"] for i in its if dmap[i]["direction"] is not None}
    if len(ds) > 1: err("list %s names several directions %s" % (l, ds))
# no shared names between suppliers and enterprises
for e in ents.values():
    if e["name"] in sup_info: err("enterprise name equals a supplier name")

# ---------- qrels ----------
q = defaultdict(dict)
for ln, line in enumerate(open(os.path.join(BASE, "qrels.tsv"), encoding="utf-8"), 1):
    if not line.strip(): continue
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 3: err("qrels line %d: %r" % (ln, line)); continue
    it, ok, g = parts
    if it not in dmap: err("qrels line %d: unknown item %s" % (ln, it))
    if ok not in omap: err("qrels line %d: unknown offering %s" % (ln, ok))
    if g not in ("1", "2", "3"): err("qrels line %d: grade %s" % (ln, g)); continue
    if ok in q[it]: err("qrels duplicate %s %s" % (it, ok))
    q[it][ok] = int(g)

def fits(d, o):
    b, w = d["budgetYuan"], d["withinDays"]
    return ((b is None or o["priceMinYuan"] <= b) and (w is None or o["implementationDays"] <= w)
            and ("全市" in o["districts"] or d["enterprise"]["district"] in o["districts"]))

for it, d in dmap.items():
    j = q.get(it, {})
    if not (3 <= len(j) <= 6): err("%s: %d judgments" % (it, len(j)))
    if not any(g == 3 for g in j.values()): err("%s: no grade-3 offering" % it)
    for ok, g in j.items():
        if ok in omap and g == 3 and not fits(d, omap[ok]):
            err("%s: grade-3 %s does not fit budget/time/district" % (it, ok))

gd = Counter(g for j in q.values() for g in j.values())
print("offerings %d, suppliers %d, primary directions %s" % (len(offs), len(sup_offers), dict(primary)))
print("demand items %d in %d lists; direction null %d; null budget or deadline %d" % (len(dems), len(lists), null_dir, any_null))
print("judgments %d; grades %s" % (sum(gd.values()), dict(sorted(gd.items(), reverse=True))))
lens = [len(d["text"]) for d in dems]
print("demand text length min %d max %d mean %.0f" % (min(lens), max(lens), sum(lens) / len(lens)))
if errors:
    print("FAILED (%d):" % len(errors))
    for e in errors: print("  -", e)
    sys.exit(1)
print("OK")
