#!/usr/bin/env python3
"""Validate eval set I. Exit code 0 iff every check passes."""
import json
import os
import re
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL = "全市"
DIRECTIONS = {"machinery", "electronics", "metallurgy", "building-materials", "chemicals",
              "food", "light-textile", "general"}
DISTRICT_CODES = {
    "万州区": "500101", "涪陵区": "500102", "渝中区": "500103", "大渡口区": "500104", "江北区": "500105",
    "沙坪坝区": "500106", "九龙坡区": "500107", "南岸区": "500108", "北碚区": "500109", "綦江区": "500110",
    "大足区": "500111", "渝北区": "500112", "巴南区": "500113", "黔江区": "500114", "长寿区": "500115",
    "江津区": "500116", "合川区": "500117", "永川区": "500118", "南川区": "500119", "璧山区": "500120",
    "铜梁区": "500151", "潼南区": "500152", "荣昌区": "500153", "开州区": "500154", "梁平区": "500155",
    "武隆区": "500156",
}
OFF_FIELDS = ["key", "supplier", "type", "title", "summary", "description", "directions", "keywords",
              "deployment", "priceMinYuan", "priceMaxYuan", "implementationDays", "districts"]
SUP_FIELDS = ["name", "creditCode", "district"]
DEM_FIELDS = ["list", "enterprise", "item", "text", "direction", "budgetYuan", "withinDays"]
ENT_FIELDS = ["name", "district", "industry", "scale"]
# catalogue words that must not appear in any demand text
BANNED = ["系统", "平台", "检测", "监测", "设备", "机器人", "智能", "自动化", "自动", "追溯", "改造",
          "MES", "ERP", "WMS", "SaaS", "数字化", "信息化", "软件", "在线", "传感", "监控", "控制",
          "看板", "扫码", "二维码", "算法", "视觉", "AGV", "AMR", "节能", "治理", "解决方案", "管理"]
_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

errors = []


def err(msg):
    errors.append(msg)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def check_code(code):
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", code or ""):
        return False
    s = sum(_ALPHA.index(c) * w for c, w in zip(code[:17], _W))
    c = 31 - s % 31
    return code[17] == _ALPHA[0 if c == 31 else c]


def serves(off, district):
    return ALL in off["districts"] or district in off["districts"]


def bigrams(s):
    s = re.sub(r"[\s，。、；：！？（）()“”,.;:!?\-0-9A-Za-z]", "|", s)
    return {s[i:i + 2] for i in range(len(s) - 1) if "|" not in s[i:i + 2]}


def load_jsonl(name):
    rows = []
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                err("%s:%d empty line" % (name, n))
                continue
            rows.append(json.loads(line))
    return rows


offs = load_jsonl("offerings.jsonl")
dems = load_jsonl("demands.jsonl")

# ------------------------------------------------------------ offerings
if len(offs) != 60:
    err("expected 60 offerings, got %d" % len(offs))
sup_count = Counter()
sup_info = {}
for i, o in enumerate(offs, 1):
    k = o.get("key")
    if list(o.keys()) != OFF_FIELDS:
        err("%s field order %s" % (k, list(o.keys())))
    if k != "I-O-%03d" % i:
        err("offering %d has key %s" % (i, k))
    sp = o.get("supplier", {})
    if list(sp.keys()) != SUP_FIELDS:
        err("%s supplier field order %s" % (k, list(sp.keys())))
    if sp.get("district") not in DISTRICT_CODES:
        err("%s supplier district %s" % (k, sp.get("district")))
    elif not check_code(sp.get("creditCode")):
        err("%s credit code invalid %s" % (k, sp.get("creditCode")))
    elif sp["creditCode"][2:8] != DISTRICT_CODES[sp["district"]]:
        err("%s credit code area != district" % k)
    sup_count[sp.get("name")] += 1
    prev = sup_info.setdefault(sp.get("name"), (sp.get("creditCode"), sp.get("district")))
    if prev != (sp.get("creditCode"), sp.get("district")):
        err("%s supplier %s inconsistent" % (k, sp.get("name")))
    if o.get("type") not in ("solution", "component", "tool"):
        err("%s type %s" % (k, o.get("type")))
    for f in ("title", "summary", "description"):
        if not isinstance(o.get(f), str) or not o[f].strip():
            err("%s %s not a non-empty string" % (k, f))
    if len(o.get("description", "")) < 80:
        err("%s description too short" % k)
    d = o.get("directions")
    if not isinstance(d, list) or not 1 <= len(d) <= 2 or any(x not in DIRECTIONS for x in d) or len(set(d)) != len(d):
        err("%s directions %s" % (k, d))
    kw = o.get("keywords")
    if not isinstance(kw, list) or not kw or not all(isinstance(x, str) and x for x in kw):
        err("%s keywords" % k)
    if o.get("deployment") not in ("saas", "on-premise", "hybrid", "hardware"):
        err("%s deployment %s" % (k, o.get("deployment")))
    for f in ("priceMinYuan", "priceMaxYuan", "implementationDays"):
        if not is_int(o.get(f)) or o[f] <= 0:
            err("%s %s not a positive int" % (k, f))
    if is_int(o.get("priceMinYuan")) and is_int(o.get("priceMaxYuan")) and o["priceMinYuan"] > o["priceMaxYuan"]:
        err("%s price min > max" % k)
    ds = o.get("districts")
    if not isinstance(ds, list) or not ds or len(set(ds)) != len(ds):
        err("%s districts %s" % (k, ds))
    else:
        for x in ds:
            if x != ALL and x not in DISTRICT_CODES:
                err("%s unknown district %s" % (k, x))
        if ALL in ds and len(ds) != 1:
            err("%s 全市 mixed with other districts" % k)
if len(sup_count) != 10 or set(sup_count.values()) != {6}:
    err("supplier counts %s" % dict(sup_count))
if len({c for c, _ in sup_info.values()}) != len(sup_info):
    err("duplicate credit codes")
OFF = {o["key"]: o for o in offs}
n_general = sum(1 for o in offs if o["directions"][0] == "general")
prim = Counter(o["directions"][0] for o in offs)
if set(prim) != DIRECTIONS:
    err("not all directions are primary somewhere: %s" % dict(prim))

# ------------------------------------------------------------ demands
if len(dems) != 30:
    err("expected 30 demand items, got %d" % len(dems))
lists = defaultdict(list)
for d in dems:
    it = d.get("item")
    if list(d.keys()) != DEM_FIELDS:
        err("%s field order %s" % (it, list(d.keys())))
    e = d.get("enterprise", {})
    if list(e.keys()) != ENT_FIELDS:
        err("%s enterprise field order" % it)
    if e.get("district") not in DISTRICT_CODES:
        err("%s enterprise district %s" % (it, e.get("district")))
    if e.get("scale") not in ("规上", "规下高成长"):
        err("%s scale %s" % (it, e.get("scale")))
    if not isinstance(e.get("industry"), str) or not e.get("industry"):
        err("%s industry" % it)
    m = re.fullmatch(r"(I-D-(0[1-9]|10))-([1-3])", it or "")
    if not m or m.group(1) != d.get("list"):
        err("%s bad item id / list" % it)
    lists[d.get("list")].append(d)
    if d.get("direction") is not None and d["direction"] not in DIRECTIONS:
        err("%s direction %s" % (it, d["direction"]))
    for f in ("budgetYuan", "withinDays"):
        if d.get(f) is not None and (not is_int(d[f]) or d[f] <= 0):
            err("%s %s" % (it, f))
    t = d.get("text", "")
    if not 40 <= len(t) <= 120:
        err("%s text length %d" % (it, len(t)))
    for w in BANNED:
        if w.lower() in t.lower():
            err("%s text contains catalogue word %s" % (it, w))
if sorted(lists) != ["I-D-%02d" % i for i in range(1, 11)]:
    err("lists %s" % sorted(lists))
for l, ds in lists.items():
    if [d["item"] for d in ds] != ["%s-%d" % (l, i) for i in (1, 2, 3)]:
        err("%s items %s" % (l, [d["item"] for d in ds]))
    if len({json.dumps(d["enterprise"], ensure_ascii=False) for d in ds}) != 1:
        err("%s enterprise differs inside list" % l)
ents = [ds[0]["enterprise"] for ds in lists.values()]
if len({e["name"] for e in ents}) != 10 or len({e["district"] for e in ents}) != 10:
    err("enterprises / districts not all different")
DEM = {d["item"]: d for d in dems}

# no 6-character phrase shared between two demand texts
grams = defaultdict(set)
for d in dems:
    t = d["text"]
    for i in range(len(t) - 5):
        grams[t[i:i + 6]].add(d["item"])
shared6 = {g: sorted(v) for g, v in grams.items() if len(v) > 1}
for g, v in shared6.items():
    err("6-char phrase %r shared by %s" % (g, v))

# ------------------------------------------------------------ kinds
kinds = {}
with open(os.path.join(ROOT, "kinds.tsv"), encoding="utf-8") as f:
    for line in f:
        p = line.rstrip("\n").split("\t")
        if len(p) != 2 or p[1] not in ("symptom", "need"):
            err("kinds line %r" % line)
            continue
        if p[0] in kinds:
            err("kinds duplicate %s" % p[0])
        kinds[p[0]] = p[1]
if set(kinds) != set(DEM):
    err("kinds ids != demand ids")
kc = Counter(kinds.values())
if kc != Counter({"symptom": 20, "need": 10}):
    err("kind counts %s" % dict(kc))

# ------------------------------------------------------------ qrels
Q = defaultdict(dict)
with open(os.path.join(ROOT, "qrels.tsv"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        p = line.rstrip("\n").split("\t")
        if len(p) != 3 or not re.fullmatch(r"[0-3]", p[2]):
            err("qrels:%d bad line %r" % (n, line))
            continue
        it, ok, g = p[0], p[1], int(p[2])
        if it not in DEM:
            err("qrels:%d unknown item %s" % (n, it))
        if ok not in OFF:
            err("qrels:%d unknown offering %s" % (n, ok))
        if ok in Q[it]:
            err("qrels:%d duplicate pair" % n)
        Q[it][ok] = g
overlaps = []
cross_dir = []
for it, d in DEM.items():
    j = Q.get(it, {})
    if not 3 <= len(j) <= 5:
        err("%s has %d judgments" % (it, len(j)))
    threes = [k for k, g in j.items() if g == 3]
    if len(threes) != 1:
        err("%s has %d grade-3 offerings" % (it, len(threes)))
        continue
    if not any(g == 1 for g in j.values()):
        err("%s has no grade-1 decoy" % it)
    o = OFF[threes[0]]
    dist = d["enterprise"]["district"]
    if d["budgetYuan"] is not None and o["priceMinYuan"] > d["budgetYuan"]:
        err("%s grade-3 %s over budget" % (it, o["key"]))
    if d["withinDays"] is not None and o["implementationDays"] > d["withinDays"]:
        err("%s grade-3 %s too slow" % (it, o["key"]))
    if not serves(o, dist):
        err("%s grade-3 %s does not serve %s" % (it, o["key"], dist))
    if d["direction"] is not None and d["direction"] not in o["directions"]:
        if "general" not in o["directions"]:
            err("%s grade-3 %s lacks stated direction %s" % (it, o["key"], d["direction"]))
        cross_dir.append(it)
    # lexical distance demand text vs grade-3 offering text
    ob = bigrams(" ".join([o["title"], o["summary"], o["description"], " ".join(o["keywords"])]))
    db = bigrams(d["text"])
    sh = sorted(db & ob)
    overlaps.append((it, len(sh), len(db), sh))
    if len(sh) / max(1, len(db)) > 0.15:
        err("%s shares too many bigrams with its grade-3 offering: %s" % (it, sh))
# grade-2 items that fail fit (the "best text match is not grade 3" trap)
fit_traps = 0
for it, j in Q.items():
    d = DEM[it]
    for k, g in j.items():
        if g == 2:
            o = OFF[k]
            if ((d["budgetYuan"] is not None and o["priceMinYuan"] > d["budgetYuan"])
                    or (d["withinDays"] is not None and o["implementationDays"] > d["withinDays"])
                    or not serves(o, d["enterprise"]["district"])):
                fit_traps += 1

# ------------------------------------------------------------ report
gc = Counter(g for j in Q.values() for g in j.values())
print("offerings: %d (suppliers %d x 6; primary direction counts %s)" % (
    len(offs), len(sup_count), dict(sorted(prim.items()))))
print("offerings serving 全市: %d" % sum(1 for o in offs if ALL in o["districts"]))
print("demand items: %d in %d lists; kinds %s" % (len(dems), len(lists), dict(kc)))
print("direction null: %d, budget null: %d, deadline null: %d" % (
    sum(d["direction"] is None for d in dems), sum(d["budgetYuan"] is None for d in dems),
    sum(d["withinDays"] is None for d in dems)))
print("qrels: %d judgments, grades %s" % (sum(len(j) for j in Q.values()), dict(sorted(gc.items()))))
print("grade-2 judgments that fail budget/deadline/district: %d" % fit_traps)
tot_sh = sum(x[1] for x in overlaps)
tot_db = sum(x[2] for x in overlaps)
worst = max(overlaps, key=lambda x: x[1] / max(1, x[2]))
print("demand/grade-3 shared bigrams: mean %.1f per item (%.1f%% of demand bigrams); worst %s %d/%d %s" % (
    tot_sh / len(overlaps), 100.0 * tot_sh / tot_db, worst[0], worst[1], worst[2], worst[3]))
print("items whose grade-3 is a general tool outside the stated direction: %d %s" % (len(cross_dir), sorted(cross_dir)))
print("6-char phrases shared between demand texts: %d" % len(shared6))
if errors:
    print("FAIL: %d problem(s)" % len(errors))
    for e in errors:
        print("  - " + e)
    sys.exit(1)
print("OK: all checks passed")
