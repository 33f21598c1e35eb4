#!/usr/bin/env python3
"""Per minute of a dotnet-counters CSV (bench/soak.sh): the last reading of the memory counters, in MiB.

Columns: working set, GC committed, the managed heap by generation after the last collection (gen0+gen1, gen2, LOH),
gen2 fragmentation, the postings cache, and gen2 collections in the minute. Growth in gen2/LOH with a flat postings
cache is a growing live set; growth in committed beyond heap + fragmentation is the GC keeping memory it could return."""
import csv
import sys
from collections import OrderedDict
from datetime import datetime

MIB = 1048576.0
COLUMNS = [
    ("rss", "dotnet.process.memory.working_set (By)"),
    ("committed", "dotnet.gc.last_collection.memory.committed_size (By)"),
    ("gen0+1", ("dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen0]",
                "dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen1]")),
    ("gen2", "dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen2]"),
    ("loh", "dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=loh]"),
    ("gen2 frag", "dotnet.gc.last_collection.heap.fragmentation.size (By)[gc.heap.generation=gen2]"),
    ("postings", "marketplace.search.postings_cache.size (By)"),
]
GEN2_COLLECTIONS = "dotnet.gc.collections ({collection} / 10 sec)[gc.heap.generation=gen2]"


def main(path):
    minutes = OrderedDict()
    start = None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                at = datetime.strptime(row["Timestamp"], "%m/%d/%Y %H:%M:%S")
                value = float(row["Mean/Increment"])
            except (KeyError, ValueError):
                continue
            start = start or at
            minute = int((at - start).total_seconds() // 60) + 1
            readings = minutes.setdefault(minute, {"gen2 GCs": 0.0})
            name = row["Counter Name"]
            if name == GEN2_COLLECTIONS:
                readings["gen2 GCs"] += value
            else:
                readings[name] = value
    print("minute " + " ".join(f"{label:>10}" for label, _ in COLUMNS) + "   gen2 GCs   (MiB; counters every 10 s)")
    for minute, readings in minutes.items():
        cells = []
        for _, names in COLUMNS:
            names = names if isinstance(names, tuple) else (names,)
            values = [readings.get(n) for n in names]
            cells.append("         -" if any(v is None for v in values) else f"{sum(values) / MIB:10.0f}")
        print(f"{minute:6d} " + " ".join(cells) + f" {readings['gen2 GCs']:10.0f}")


if __name__ == "__main__":
    main(sys.argv[1])
