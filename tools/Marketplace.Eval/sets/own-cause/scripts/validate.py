#!/usr/bin/env python3
"""Validate the H- held-out symptom-style evaluation set. Exit code 1 on any error."""
import json, os, re, sys
from collections import Counter, defaultdict
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from codes import USCC_CHARS, org_check, uscc_check

D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs, warns = [], []
def err(m): errs.append(m)

# field order taken from the first lines of the eval-dev files
OFF_FIELDS = ["key", "supplier", "type", "title", "summary", "description", "directions", "keywords",
              "deployment", "priceMinYuan", "priceMaxYuan", "implementationDays", "districts"]
SUP_FIELDS = ["name", "creditCode", "district"]
DEM_FIELDS = ["list", "enterprise", "item", "text", "direction", "budgetYuan", "withinDays"]
ENT_FIELDS = ["name", "district", "industry", "scale"]
DIRS = {"machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food", "light-textile", "general"}
AREA = {"渝中区": "500103", "大渡口区": "500104", "江北区": "500105", "沙坪坝区": "500106", "九龙坡区": "500107",
        "南岸区": "500108", "北碚区": "500109", "綦江区": "500110", "大足区": "500111", "渝北区": "500112",
        "巴南区": "500113", "黔江区": "500114", "长寿区": "500115", "江津区": "500116", "合川区": "500117",
        "永川区": "500118", "南川区": "500119", "璧山区": "500120", "铜梁区": "500151", "潼南区": "500152",
        "荣昌区": "500153", "开州区": "500154", "梁平区": "500155", "武隆区": "500156", "万州区": "500101",
        "涪陵区": "500102"}
BANNED = ["系统", "平台", "MES", "ERP", "WMS", "SaaS", "追溯", "溯源", "检测", "监测", "监控", "设备", "机器人",
          "数字化", "自动化", "智能", "智慧", "软件", "传感", "信息化", "在线", "管控", "控制", "改造", "扫码", "条码",
          "二维码", "RFID", "节能", "余热", "云", "物联网", "预测性", "维护", "视觉", "AOI", "看板", "报工",
          "仓储", "立体库", "算法", "数据", "工作站", "治理", "除尘", "脱硝", "杀菌", "灭菌", "排产", "计量",
          "小程序", "App", "APP", "工业互联网", "5G", "方案", "解决", "闭环", "变频", "机械手", "定位"]

def load(fn):
    with open(os.path.join(D, fn), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

offs, dems = load("offerings.jsonl"), load("demands.jsonl")
isint = lambda x: isinstance(x, int) and not isinstance(x, bool)

# ---------- offerings
okeys = {}
sup = defaultdict(list)
for i, o in enumerate(offs, 1):
    k = o.get("key")
    if list(o.keys()) != OFF_FIELDS: err(f"{k}: field order {list(o.keys())}")
    if k != "H-O-%03d" % i: err(f"offering {i}: key {k}")
    okeys[k] = o
    s = o["supplier"]
    if list(s.keys()) != SUP_FIELDS: err(f"{k}: supplier fields")
    sup[(s["name"], s["creditCode"], s["district"])].append(k)
    c = s["creditCode"]
    if not (isinstance(c, str) and len(c) == 18 and c[:2] == "91" and all(ch in USCC_CHARS for ch in c)):
        err(f"{k}: creditCode format {c}")
    else:
        if AREA.get(s["district"]) != c[2:8]: err(f"{k}: area code {c[2:8]} vs {s['district']}")
        if org_check(c[8:16]) != c[16]: err(f"{k}: GB 11714 check {c}")
        if uscc_check(c[:17]) != c[17]: err(f"{k}: GB 32100 check {c}")
    if o["type"] not in ("solution", "component", "tool"): err(f"{k}: type")
    if o["deployment"] not in ("saas", "on-premise", "hybrid", "hardware"): err(f"{k}: deployment")
    for f in ("title", "summary", "description"):
        if not isinstance(o[f], str) or not o[f]: err(f"{k}: {f}")
    if not 80 <= len(o["description"]) <= 200: err(f"{k}: description length {len(o['description'])}")
    if not (isinstance(o["directions"], list) and 1 <= len(o["directions"]) <= 2 and set(o["directions"]) <= DIRS
            and len(set(o["directions"])) == len(o["directions"])): err(f"{k}: directions")
    if not (isinstance(o["keywords"], list) and 3 <= len(o["keywords"]) <= 8 and all(isinstance(x, str) for x in o["keywords"])):
        err(f"{k}: keywords")
    if not (isint(o["priceMinYuan"]) and isint(o["priceMaxYuan"]) and 0 < o["priceMinYuan"] <= o["priceMaxYuan"]):
        err(f"{k}: prices")
    if not (isint(o["implementationDays"]) and o["implementationDays"] > 0): err(f"{k}: days")
    ds = o["districts"]
    if not (isinstance(ds, list) and ds and (ds == ["全市"] or all(d in AREA for d in ds)) and len(set(ds)) == len(ds)):
        err(f"{k}: districts {ds}")
if len(offs) != 60: err(f"offerings: {len(offs)} != 60")
if len(sup) != 10 or any(len(v) != 6 for v in sup.values()): err(f"suppliers: {[(n[0], len(v)) for n, v in sup.items()]}")
if len({n[0] for n in sup}) != 10 or len({n[1] for n in sup}) != 10: err("supplier name/code not unique")
prim = Counter(o["directions"][0] for o in offs)
anyd = Counter(d for o in offs for d in o["directions"])
if set(prim) != DIRS: err(f"not all directions primary: {prim}")

# ---------- demands
items = {}
lists = defaultdict(list)
for i, d in enumerate(dems):
    it = d.get("item")
    if list(d.keys()) != DEM_FIELDS: err(f"{it}: field order {list(d.keys())}")
    if list(d["enterprise"].keys()) != ENT_FIELDS: err(f"{it}: enterprise fields")
    L = "H-D-%02d" % (i // 3 + 1)
    if d["list"] != L or it != "%s-%d" % (L, i % 3 + 1): err(f"demand {i}: keys {d['list']} {it}")
    items[it] = d
    lists[d["list"]].append(d)
    e = d["enterprise"]
    if e["district"] not in AREA: err(f"{it}: district")
    if e["scale"] not in ("规上", "规下高成长"): err(f"{it}: scale")
    if d["direction"] is not None and d["direction"] not in DIRS: err(f"{it}: direction")
    if d["budgetYuan"] is not None and not (isint(d["budgetYuan"]) and d["budgetYuan"] > 0): err(f"{it}: budget")
    if d["withinDays"] is not None and not (isint(d["withinDays"]) and d["withinDays"] > 0): err(f"{it}: days")
    t = d["text"]
    if not 40 <= len(t) <= 120: err(f"{it}: text length {len(t)}")
    for w in BANNED:
        if w.lower() in t.lower(): err(f"{it}: banned word {w!r}")
if len(dems) != 30 or len(lists) != 10: err("demand counts")
for L, ds in lists.items():
    if len(ds) != 3 or len({json.dumps(x["enterprise"], ensure_ascii=False) for x in ds}) != 1: err(f"{L}: list not one enterprise of 3")
if len({ds[0]["enterprise"]["name"] for ds in lists.values()}) != 10: err("enterprise names not unique")
nnull = sum(d["direction"] is None for d in dems)
if not 7 <= nnull <= 8: err(f"direction null count {nnull} (want about 25%)")
# no 6-char phrase shared between two demand texts
seen = {}
for it, d in items.items():
    for g in {d["text"][j:j + 6] for j in range(len(d["text"]) - 5)}:
        if g in seen and seen[g] != it: err(f"6-char phrase {g!r} in {seen[g]} and {it}")
        seen.setdefault(g, it)

# ---------- qrels
q = defaultdict(list)
with open(os.path.join(D, "qrels.tsv"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        p = line.rstrip("\n").split("\t")
        if len(p) != 3 or p[2] not in ("1", "2", "3"): err(f"qrels line {n}: {line!r}"); continue
        if p[0] not in items: err(f"qrels line {n}: unknown item {p[0]}")
        if p[1] not in okeys: err(f"qrels line {n}: unknown offering {p[1]}")
        q[p[0]].append((p[1], int(p[2])))

def fits(d, o):
    b, w = d["budgetYuan"], d["withinDays"]
    return ((b is None or o["priceMinYuan"] <= b) and (w is None or o["implementationDays"] <= w)
            and (o["districts"] == ["全市"] or d["enterprise"]["district"] in o["districts"]))

def bigr(s): return {s[i:i + 2] for i in range(len(s) - 1)}
overl = []
for it, d in items.items():
    js = q.get(it, [])
    if not 3 <= len(js) <= 5: err(f"{it}: {len(js)} judgments")
    if len({k for k, _ in js}) != len(js): err(f"{it}: duplicate judgment")
    g3 = [k for k, g in js if g == 3]
    if not 1 <= len(g3) <= 2: err(f"{it}: {len(g3)} grade-3")
    for k in g3:
        if k in okeys and not fits(d, okeys[k]): err(f"{it}: grade-3 {k} does not fit budget/deadline/district")
        o = okeys.get(k)
        if o:
            ob = bigr(o["title"] + o["summary"] + o["description"] + "".join(o["keywords"]))
            tb = bigr(d["text"])
            overl.append((len(tb & ob) / max(1, len(tb)), it, k))
for it in q:
    if it not in items: err(f"qrels item {it} not in demands")

grades = Counter(g for v in q.values() for _, g in v)
print(f"offerings {len(offs)} from {len(sup)} suppliers; primary directions {dict(prim)}; any-direction {dict(anyd)}")
print(f"demand items {len(dems)} in {len(lists)} lists; direction null {nnull}; budget null {sum(d['budgetYuan'] is None for d in dems)}; withinDays null {sum(d['withinDays'] is None for d in dems)}")
print(f"judgments {sum(len(v) for v in q.values())}; grades {dict(sorted(grades.items()))}")
ov = sorted(overl, reverse=True)
print("demand-bigram share found in its grade-3 offering: mean %.2f, max %.2f (%s/%s)" % (
    sum(x[0] for x in ov) / len(ov), ov[0][0], ov[0][1], ov[0][2]))
for m in warns: print("WARN", m)
for m in errs: print("ERROR", m)
print("VALIDATION", "FAILED (%d errors)" % len(errs) if errs else "PASSED")
sys.exit(1 if errs else 0)
