#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py RAW.tsv SAME COMMIT VERSION - the table and the ratios
of bench/run.sh (markdown on standard output).  RAW has one line per run:
mode, round, wall s, CPU s (user + sys), peak RSS KiB, archive bytes."""
import os
import platform
import statistics
import sys
import time

MODES = [
    ("stock", "stock gen_kheaders.sh"),
    ("cold", "kheaders, cold (empty cache)"),
    ("edit", "kheaders, one header edited"),
    ("noop", "kheaders, nothing changed"),
    ("floor", "floor: xz, same settings"),
]


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            mode, _, wall, cpu, rss, size = line.split("\t")
            runs.setdefault(mode, []).append(
                (float(wall), float(cpu), int(rss), int(size)))
    return runs


def col(runs, i):
    v = [r[i] for r in runs]
    return statistics.median(v), min(v), max(v)


def fmt(t, unit="s", prec=2):
    med, lo, hi = t
    return f"{med:.{prec}f} ({lo:.{prec}f}-{hi:.{prec}f}){unit}"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    raw, same, commit, version = sys.argv[1:5]
    runs = load(raw)
    med = {m: {k: col(runs[m], i)[0] for k, i in
               (("wall", 0), ("cpu", 1), ("rss", 2), ("size", 3))}
           for m in runs}
    print("# kheaders build benchmark\n")
    print(f"- date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"- machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu_model()}), "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    print(f"- commit: {commit}; {version}")
    print(f"- runs per mode: {len(runs['stock'])} (nothing-changed: "
          f"{len(runs['noop'])}), interleaved; medians, (min-max)\n")
    print("| mode | wall | CPU (user+sys) | peak RSS | archive bytes |")
    print("|---|---|---|---|---|")
    for m, name in MODES:
        r = runs[m]
        rss = col(r, 2)
        print(f"| {name} | {fmt(col(r, 0))} | {fmt(col(r, 1))} | "
              f"{rss[0] / 1024:.0f} MiB | {col(r, 3)[0]:.0f} |")
    s, c, e, n, f = (med[m] for m in ("stock", "cold", "edit", "noop", "floor"))
    checks = [
        ("cold wall / floor wall", c["wall"] / f["wall"], "<= 1.15",
         c["wall"] / f["wall"] <= 1.15),
        ("cold CPU / stock CPU", c["cpu"] / s["cpu"], "<= 0.50",
         c["cpu"] / s["cpu"] <= 0.5),
        ("cold archive / stock archive", c["size"] / s["size"], "<= 1",
         c["size"] <= s["size"]),
        ("stock wall / one-edit wall", s["wall"] / e["wall"], ">= 6",
         s["wall"] / e["wall"] >= 6),
        ("one-edit archive / stock archive", e["size"] / s["size"], "<= 1",
         e["size"] <= s["size"]),
        ("nothing-changed wall (s)", n["wall"], "<= 0.1", n["wall"] <= 0.1),
        ("stock wall / cold wall", s["wall"] / c["wall"], "(info)", True),
    ]
    print("\n| ratio | value | target | |")
    print("|---|---|---|---|")
    for name, v, target, ok in checks:
        print(f"| {name} | {v:.3f} | {target} | {'ok' if ok else 'MISSED'} |")
    print(f"\nedited archive identical to a cold --no-cache build of the "
          f"edited tree: {same}")


if __name__ == "__main__":
    main()
