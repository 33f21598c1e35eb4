#!/usr/bin/env python3
"""Validate the G- eval set."""
import json, os, re, sys, collections
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build import uscc, org_check, USCC
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs, warns = [], []
def err(m): errs.append(m)
OKEYS = ["key","supplier","type","title","summary","description","directions","keywords","deployment","priceMinYuan","priceMaxYuan","implementationDays","districts"]
DKEYS = ["list","enterprise","item","text","direction","budgetYuan","withinDays"]
DIRS = {"machinery","electronics","metallurgy","building-materials","chemicals","food","light-textile","general"}
AREAS = {"500112","500106","500113","500107","500120","500151","500111","500153","500110","500116","500117","500118","500101","500102","500105","500108","500103","500109","500115"}
def load(n): return [json.loads(l) for l in open(os.path.join(ROOT, n), encoding="utf-8") if l.strip()]
offs, dems = load("offerings.jsonl"), load("demands.jsonl")
# offerings
if len(offs) != 72: err(f"offerings count {len(offs)}")
byk = {}
sup = collections.defaultdict(list)
for i, o in enumerate(offs, 1):
    k = o.get("key")
    if list(o) != OKEYS: err(f"{k} field order {list(o)}")
    if k != f"G-O-{i:03d}": err(f"key {k} at line {i}")
    byk[k] = o
    s = o["supplier"]
    if list(s) != ["name","creditCode","district"]: err(f"{k} supplier fields")
    cc = s["creditCode"]
    if len(cc) != 18 or not cc.startswith("91") or any(c not in USCC for c in cc): err(f"{k} creditCode format {cc}")
    else:
        if cc[2:8] not in AREAS: err(f"{k} area {cc[2:8]}")
        if org_check(cc[8:16]) != cc[16]: err(f"{k} org check {cc}")
        if uscc(cc[2:8], cc[8:16]) != cc: err(f"{k} uscc check {cc}")
    sup[(s["name"], cc, s["district"])].append(k)
    if o["type"] not in {"solution","component","tool"}: err(f"{k} type")
    if o["deployment"] not in {"saas","on-premise","hybrid","hardware"}: err(f"{k} deployment")
    if not (1 <= len(o["directions"]) <= 2) or not set(o["directions"]) <= DIRS: err(f"{k} directions")
    for f in ["title","summary","description"]:
        if not isinstance(o[f], str) or not o[f]: err(f"{k} {f}")
    if not 80 <= len(o["description"]) <= 200: err(f"{k} description length {len(o['description'])}")
    if not (isinstance(o["keywords"], list) and all(isinstance(x, str) for x in o["keywords"]) and o["keywords"]): err(f"{k} keywords")
    for f in ["priceMinYuan","priceMaxYuan","implementationDays"]:
        if not isinstance(o[f], int) or o[f] <= 0: err(f"{k} {f}")
    if o["priceMinYuan"] > o["priceMaxYuan"]: err(f"{k} price order")
    if not o["districts"] or not all(isinstance(x, str) for x in o["districts"]): err(f"{k} districts")
if len(sup) != 12 or any(len(v) != 6 for v in sup.values()): err(f"suppliers {[(k[0], len(v)) for k, v in sup.items()]}")
names = collections.Counter(k[0] for k in sup)
if any(c > 1 for c in names.values()): err("supplier name with inconsistent code/district")
# demands
if len(dems) != 36: err(f"demand count {len(dems)}")
byi = {}
ents = collections.defaultdict(set)
for d in dems:
    it = d.get("item")
    if list(d) != DKEYS: err(f"{it} field order")
    if not re.fullmatch(r"G-D-(0[1-9]|1[0-2])-[1-3]", it or ""): err(f"item key {it}")
    if not it.startswith(d["list"] + "-") or not re.fullmatch(r"G-D-(0[1-9]|1[0-2])", d["list"]): err(f"{it} list")
    e = d["enterprise"]
    if list(e) != ["name","district","industry","scale"] or e["scale"] not in {"规上","规下高成长"}: err(f"{it} enterprise")
    ents[d["list"]].add(json.dumps(e, ensure_ascii=False))
    if not 40 <= len(d["text"]) <= 120: err(f"{it} text length {len(d['text'])}")
    if d["direction"] is not None and d["direction"] not in DIRS: err(f"{it} direction")
    for f in ["budgetYuan","withinDays"]:
        if d[f] is not None and (not isinstance(d[f], int) or d[f] <= 0): err(f"{it} {f}")
    byi[it] = d
if len(ents) != 12 or any(len(v) != 1 or sum(1 for d in dems if d["list"] == l) != 3 for l, v in ents.items()): err("lists/enterprises")
# 6-char phrase reuse across demand texts
grams = collections.defaultdict(set)
for it, d in byi.items():
    t = d["text"]
    for j in range(len(t) - 5): grams[t[j:j+6]].add(it)
reused = {g: sorted(v) for g, v in grams.items() if len(v) > 1}
if reused: err(f"6-char phrases reused across demand texts: {reused}")
# qrels
q = collections.defaultdict(dict)
for line in open(os.path.join(ROOT, "qrels.tsv"), encoding="utf-8"):
    if not line.strip(): continue
    a, b, g = line.rstrip("\n").split("\t")
    if a not in byi: err(f"qrels unknown item {a}")
    if b not in byk: err(f"qrels unknown offering {b}")
    if g not in {"1","2","3"}: err(f"qrels grade {g}")
    if b in q[a]: err(f"dup qrel {a} {b}")
    q[a][b] = int(g)
for it, d in byi.items():
    j = q.get(it, {})
    if not 3 <= len(j) <= 5: err(f"{it} has {len(j)} judgments")
    g3 = [o for o, g in j.items() if g == 3]
    if not 1 <= len(g3) <= 2: err(f"{it} has {len(g3)} grade-3")
    dist = d["enterprise"]["district"]
    for o in g3:
        O = byk[o]
        if d["budgetYuan"] is not None and O["priceMinYuan"] > d["budgetYuan"]: err(f"{it} g3 {o} over budget")
        if d["withinDays"] is not None and O["implementationDays"] > d["withinDays"]: err(f"{it} g3 {o} too slow")
        if "全市" not in O["districts"] and dist not in O["districts"]: err(f"{it} g3 {o} district")
    # info: copied 6-char phrases from judged offerings
    for o in j:
        O = byk[o]; ot = O["title"] + O["summary"] + O["description"]
        cp = {d["text"][k:k+6] for k in range(len(d["text"]) - 5) if d["text"][k:k+6] in ot}
        if cp: warns.append(f"{it} shares 6-char phrases with {o}: {sorted(cp)}")
# kinds
kinds = {}
for line in open(os.path.join(ROOT, "kinds.tsv"), encoding="utf-8"):
    if line.strip():
        a, k = line.rstrip("\n").split("\t"); kinds[a] = k
if set(kinds) != set(byi): err("kinds items mismatch")
if any(k not in {"ordinary","symptom","need"} for k in kinds.values()): err("bad kind")
for l in ents:
    if sorted(kinds[i] for i in byi if i.startswith(l + "-")) != ["need","ordinary","symptom"]: err(f"{l} kinds")
# lexical overlap (char bigrams) of each item with its grade-3 offering, by kind
def bg(t): return {t[i:i+2] for i in range(len(t) - 1)}
ov = collections.defaultdict(list)
for it, d in byi.items():
    for o, g in q[it].items():
        if g == 3:
            O = byk[o]; b = bg(O["title"] + O["summary"] + O["description"] + "".join(O["keywords"]))
            db = bg(d["text"]); ov[kinds[it]].append(len(db & b) / len(db))
# report
print("offerings", len(offs), "demands", len(dems), "qrels", sum(len(v) for v in q.values()))
print("primary direction", dict(collections.Counter(o["directions"][0] for o in offs)))
print("type", dict(collections.Counter(o["type"] for o in offs)), "deployment", dict(collections.Counter(o["deployment"] for o in offs)))
print("demand direction", dict(collections.Counter(str(d["direction"]) for d in dems)))
print("grades", dict(collections.Counter(g for v in q.values() for g in v.values())))
print("kinds", dict(collections.Counter(kinds.values())))
for k, v in ov.items(): print(f"mean bigram overlap item->grade3 offering [{k}]: {sum(v)/len(v):.2f}")
for w in warns: print("INFO", w)
if errs:
    for e in errs: print("ERROR", e)
    sys.exit(1)
print("VALIDATION PASSED")
