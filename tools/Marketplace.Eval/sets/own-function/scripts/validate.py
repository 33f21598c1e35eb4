#!/usr/bin/env python3
"""Validate the F set: format, keys, qrels keys, grade-3 fit rules, counts."""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from build import AREA, UCC_CHARS, UCC_W, org_check  # noqa: E402

DIRS = {"machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food",
        "light-textile", "general"}
TYPES = {"solution", "component", "tool"}
DEPLOY = {"saas", "on-premise", "hybrid", "hardware"}
SCALES = {"规上", "规下高成长"}
O_FIELDS = ["key", "supplier", "type", "title", "summary", "description", "directions", "keywords",
            "deployment", "priceMinYuan", "priceMaxYuan", "implementationDays", "districts"]
D_FIELDS = ["list", "enterprise", "item", "text", "direction", "budgetYuan", "withinDays"]

errors, warnings = [], []


def err(msg):
    errors.append(msg)


def load(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ucc_ok(code):
    if len(code) != 18 or any(c not in UCC_CHARS for c in code):
        return False
    if org_check(code[8:16]) != code[16]:
        return False
    s = sum(UCC_CHARS.index(c) * w for c, w in zip(code[:17], UCC_W))
    return UCC_CHARS[(31 - s % 31) % 31] == code[17]


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


offs = load("offerings.jsonl")
dems = load("demands.jsonl")

# ---- offerings
exp_okeys = ["F-O-%03d" % i for i in range(1, 61)]
if [o.get("key") for o in offs] != exp_okeys:
    err("offering keys are not F-O-001..F-O-060 in order")
OFF = {o["key"]: o for o in offs}
by_supplier = collections.Counter()
for o in offs:
    k = o["key"]
    if list(o.keys()) != O_FIELDS:
        err("%s: fields %s" % (k, list(o.keys())))
    s = o["supplier"]
    if list(s.keys()) != ["name", "creditCode", "district"]:
        err("%s: supplier fields" % k)
    if s["district"] not in AREA:
        err("%s: supplier district %s" % (k, s["district"]))
    elif s["creditCode"][2:8] != AREA[s["district"]]:
        err("%s: credit code area does not match district" % k)
    if not ucc_ok(s["creditCode"]):
        err("%s: credit code check characters invalid: %s" % (k, s["creditCode"]))
    by_supplier[(s["name"], s["creditCode"], s["district"])] += 1
    if o["type"] not in TYPES:
        err("%s: type" % k)
    if o["deployment"] not in DEPLOY:
        err("%s: deployment" % k)
    if not (1 <= len(o["directions"]) <= 2) or any(d not in DIRS for d in o["directions"]):
        err("%s: directions" % k)
    if len(set(o["directions"])) != len(o["directions"]):
        err("%s: duplicate directions" % k)
    for f in ("title", "summary", "description"):
        if not isinstance(o[f], str) or not o[f]:
            err("%s: empty %s" % (k, f))
    if not o["keywords"] or not all(isinstance(x, str) and x for x in o["keywords"]):
        err("%s: keywords" % k)
    for f in ("priceMinYuan", "priceMaxYuan", "implementationDays"):
        if not is_int(o[f]) or o[f] <= 0:
            err("%s: %s" % (k, f))
    if o["priceMinYuan"] > o["priceMaxYuan"]:
        err("%s: priceMin > priceMax" % k)
    if not o["districts"] or any(d != "全市" and d not in AREA for d in o["districts"]):
        err("%s: districts %s" % (k, o["districts"]))
    if "全市" in o["districts"] and len(o["districts"]) != 1:
        err("%s: 全市 mixed with a list" % k)
if len(by_supplier) != 10 or set(by_supplier.values()) != {6}:
    err("expected 10 suppliers x 6 offerings, got %s" % dict(by_supplier))
if len({n for n, _, _ in by_supplier}) != 10 or len({c for _, c, _ in by_supplier}) != 10:
    err("supplier names / credit codes not unique")
covered = {d for o in offs for d in o["directions"]}
if covered != DIRS:
    err("directions not all covered: missing %s" % (DIRS - covered))

# ---- demands
exp_items = ["F-D-%02d-%d" % (l, i) for l in range(1, 11) for i in range(1, 4)]
if [d.get("item") for d in dems] != exp_items:
    err("demand items are not F-D-01-1..F-D-10-3 in order")
DEM = {d["item"]: d for d in dems}
ents = {}
for d in dems:
    k = d["item"]
    if list(d.keys()) != D_FIELDS:
        err("%s: fields %s" % (k, list(d.keys())))
    if d["list"] != k.rsplit("-", 1)[0]:
        err("%s: list %s" % (k, d["list"]))
    e = d["enterprise"]
    if list(e.keys()) != ["name", "district", "industry", "scale"]:
        err("%s: enterprise fields" % k)
    if e["district"] not in AREA:
        err("%s: enterprise district" % k)
    if e["scale"] not in SCALES:
        err("%s: scale" % k)
    if d["list"] in ents and ents[d["list"]] != e:
        err("%s: enterprise differs within list" % k)
    ents[d["list"]] = e
    if d["direction"] is not None and d["direction"] not in DIRS:
        err("%s: direction" % k)
    for f in ("budgetYuan", "withinDays"):
        if d[f] is not None and (not is_int(d[f]) or d[f] <= 0):
            err("%s: %s" % (k, f))
    n = len(d["text"])
    if not 60 <= n <= 110:
        err("%s: text length %d not in 60..110" % (k, n))
if len({e["district"] for e in ents.values()}) != 10:
    err("enterprise districts not all different")
if len({e["industry"] for e in ents.values()}) != 10:
    err("enterprise industries not all different")
if len({e["name"] for e in ents.values()}) != 10:
    err("enterprise names not all different")
texts = [d["text"] for d in dems]
if len(set(texts)) != len(texts):
    err("duplicate demand texts")
# crude phrase reuse check: any 10-character substring shared by two items
seen = {}
for d in dems:
    t = d["text"]
    for i in range(len(t) - 9):
        seen.setdefault(t[i:i + 10], set()).add(d["item"])
shared = sorted(s for s, items in seen.items() if len(items) > 1)
if shared:
    err("10-char phrases reused across items: %s" % shared[:5])

# ---- qrels
qrels = collections.defaultdict(dict)
with open(os.path.join(ROOT, "qrels.tsv"), encoding="utf-8") as f:
    for ln, line in enumerate(f, 1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3 or not re.fullmatch(r"[0-3]", parts[2]):
            err("qrels line %d malformed" % ln)
            continue
        it, ok, g = parts[0], parts[1], int(parts[2])
        if it not in DEM:
            err("qrels line %d: unknown item %s" % (ln, it))
        if ok not in OFF:
            err("qrels line %d: unknown offering %s" % (ln, ok))
        if ok in qrels[it]:
            err("qrels line %d: duplicate pair" % ln)
        if g == 0:
            err("qrels line %d: grade 0 should be left out" % ln)
        qrels[it][ok] = g


def fits(d, o):
    reasons = []
    if d["budgetYuan"] is not None and o["priceMinYuan"] > d["budgetYuan"]:
        reasons.append("price")
    if d["withinDays"] is not None and o["implementationDays"] > d["withinDays"]:
        reasons.append("days")
    if "全市" not in o["districts"] and d["enterprise"]["district"] not in o["districts"]:
        reasons.append("district")
    return reasons


grade_dist = collections.Counter()
fit_grade2 = []
for it in exp_items:
    j = qrels.get(it, {})
    if not 3 <= len(j) <= 5:
        err("%s: %d judgments (want 3-5)" % (it, len(j)))
    n3 = sum(1 for g in j.values() if g == 3)
    if n3 not in (1, 2):
        err("%s: %d grade-3 offerings (want 1 or 2)" % (it, n3))
    for ok, g in j.items():
        grade_dist[g] += 1
        if ok not in OFF or it not in DEM:
            continue
        r = fits(DEM[it], OFF[ok])
        if g == 3 and r:
            err("%s %s: grade 3 but fails fit rule(s) %s" % (it, ok, r))
        if g == 2 and not r:
            fit_grade2.append("%s %s" % (it, ok))

# ---- report
print("offerings: %d from %d suppliers" % (len(offs), len(by_supplier)))
print("  primary direction:", dict(collections.Counter(o["directions"][0] for o in offs)))
print("  any direction    :", dict(collections.Counter(d for o in offs for d in o["directions"])))
print("  type             :", dict(collections.Counter(o["type"] for o in offs)))
print("  deployment       :", dict(collections.Counter(o["deployment"] for o in offs)))
print("  served 全市       : %d, district list: %d" % (
    sum(1 for o in offs if o["districts"] == ["全市"]), sum(1 for o in offs if o["districts"] != ["全市"])))
print("  implementationDays: %d..%d, priceMinYuan: %d..%d" % (
    min(o["implementationDays"] for o in offs), max(o["implementationDays"] for o in offs),
    min(o["priceMinYuan"] for o in offs), max(o["priceMinYuan"] for o in offs)))
print("demand items: %d in %d lists" % (len(dems), len(ents)))
print("  direction null: %d; stated:" % sum(1 for d in dems if d["direction"] is None),
      dict(collections.Counter(d["direction"] for d in dems if d["direction"])))
print("  budget null: %d, withinDays null: %d, either null: %d" % (
    sum(1 for d in dems if d["budgetYuan"] is None), sum(1 for d in dems if d["withinDays"] is None),
    sum(1 for d in dems if d["budgetYuan"] is None or d["withinDays"] is None)))
print("  scale:", dict(collections.Counter(e["scale"] for e in ents.values())))
print("  text length: %d..%d" % (min(map(len, texts)), max(map(len, texts))))
ENT_DIR = {}
for d in dems:  # enterprise direction = the stated direction of any item of its list
    if d["direction"]:
        ENT_DIR[d["list"]] = d["direction"]
ans_dirs = collections.Counter()
for it in exp_items:
    d = DEM[it]
    for ok, g in qrels[it].items():
        if g == 3:
            own = ents[d["list"]] and ENT_DIR[d["list"]]
            ans_dirs["answer lists the enterprise's direction" if own in OFF[ok]["directions"]
                     else "answer under another direction"] += 1
print("  grade-3 answers:", dict(ans_dirs))
print("judgments: %d; grades:" % sum(grade_dist.values()), dict(sorted(grade_dist.items(), reverse=True)))
print("  grade-2 pairs that pass every fit rule (partial coverage by judgment): %d" % len(fit_grade2))
if errors:
    print("\nFAILED with %d error(s):" % len(errors))
    for e in errors:
        print("  -", e)
    sys.exit(1)
print("\nOK: all checks passed")
