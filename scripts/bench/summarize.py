#!/usr/bin/env python3
"""Turns one benchmark size's raw files (written by run.sh) into bench/results/hosts-N.json, or
prints the table of several result files (--table). Stdlib only."""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

TIMING_RE = re.compile(r"^timing\s+([^\s:=]+)\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)(?:\s+[0-9.]+%)?\s*$")  # --timings
GC_RE = re.compile(r"\bGC\(\d+\) (Pause \w+).*?(\d+)M->(\d+)M\((\d+)M\)")  # -Xlog:gc
STAGE_RE = re.compile(r"^\W*(?:kcd-audit\W+)?(?:timings?\W+)?([A-Za-z][\w.\-/ ]*?)\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b")


def time_v(path):
    """Parses GNU time -v output: wall seconds, peak RSS (KiB), user and system seconds."""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            v = line.rsplit(": ", 1)[1]
            parts = [float(p) for p in v.split(":")]
            secs = 0.0
            for p in parts:
                secs = secs * 60 + p
            out["wallSeconds"] = round(secs, 3)
        elif line.startswith("Maximum resident set size"):
            out["peakRssKiB"] = int(line.rsplit(": ", 1)[1])
        elif line.startswith("User time (seconds)"):
            out["userSeconds"] = float(line.rsplit(": ", 1)[1])
        elif line.startswith("System time (seconds)"):
            out["systemSeconds"] = float(line.rsplit(": ", 1)[1])
        elif line.startswith("Exit status"):
            out["exitStatus"] = int(line.rsplit(": ", 1)[1])
    return out


def gc_log(path):
    """From a -Xlog:gc file, in MiB: the heap in use before the fullest collection (peak), the most that survived
    a full collection (the largest live set seen; none when no full collection ran), the most committed; and
    the collections by kind."""
    out = {}
    if not os.path.exists(path):
        return out
    kinds = {}
    for line in open(path, errors="replace"):
        m = GC_RE.search(line)
        if m:
            kinds[m.group(1)] = kinds.get(m.group(1), 0) + 1
            out["peakHeapMiB"] = max(out.get("peakHeapMiB", 0), int(m.group(2)))
            if m.group(1) == "Pause Full":
                out["maxAfterFullGcMiB"] = max(out.get("maxAfterFullGcMiB", 0), int(m.group(3)))
            out["maxCommittedMiB"] = max(out.get("maxCommittedMiB", 0), int(m.group(4)))
    out["collections"] = kinds
    return out


def wall(path):
    parts = open(path).read().split()
    return round(float(parts[1]) - float(parts[0]), 3), (int(parts[2]) if len(parts) > 2 else None)


def stages(err_path):
    """Per-stage times the tool printed with --timings (stderr), in seconds, keyed by stage name."""
    res, raw = {}, []
    if not os.path.exists(err_path):
        return res, raw
    for line in open(err_path, errors="replace"):
        m = TIMING_RE.match(line.strip()) or STAGE_RE.match(line)
        if m:
            name = m.group(1).strip().lower()
            val = float(m.group(2)) / (1000.0 if m.group(3) == "ms" else 1.0)
            res[name] = round(res.get(name, 0.0) + val, 3)
            raw.append(line.rstrip())
    return res, raw


def count_dn(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"dn:"):
                n += 1
    return n


def sh(cmd):
    try:
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except Exception as e:  # noqa: BLE001
        return "unknown (%s)" % e


def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem_kib = int(line.split()[1])
    java = sh("java -version 2>&1 | head -2").replace("\n", " / ")
    slapd = sh("(slapd -VV || /usr/sbin/slapd -VV) 2>&1 | grep -m1 slapd")
    return {"nproc": os.cpu_count(), "cpu": cpu, "memGiB": round(mem_kib / 1048576, 1),
            "kernel": platform.release(), "java": java, "slapd": slapd,
            "os": sh(". /etc/os-release && echo $PRETTY_NAME")}


def summarize(a):
    d = a.dir
    manifest = json.load(open(os.path.join(d, "data.ldif.manifest.json")))
    floors, audits = [], []
    for r in range(1, a.repeat + 1):
        fw, _ = wall(os.path.join(d, "floor%d.wall" % r))
        ft = time_v(os.path.join(d, "floor%d.time" % r))
        floors.append({"wallSeconds": fw, "peakRssKiB": ft.get("peakRssKiB"),
                       "userSeconds": ft.get("userSeconds"), "systemSeconds": ft.get("systemSeconds"),
                       "entries": count_dn(os.path.join(d, "floor%d.ldif" % r))})
        aw, rc = wall(os.path.join(d, "audit%d.wall" % r))
        at = time_v(os.path.join(d, "audit%d.time" % r))
        st, raw = stages(os.path.join(d, "audit%d.err" % r))
        out_dir = os.path.join(d, "out%d" % r)
        files = {}
        if os.path.isdir(out_dir):
            for root, _, names in os.walk(out_dir):
                for n in names:
                    p = os.path.join(root, n)
                    files[os.path.relpath(p, out_dir)] = os.path.getsize(p)
        audits.append({"wallSeconds": aw, "exitCode": rc, "completed": rc in (0, 3),
                       "heap": gc_log(os.path.join(d, "gc%d.log" % r)),
                       "peakRssKiB": at.get("peakRssKiB"), "userSeconds": at.get("userSeconds"),
                       "systemSeconds": at.get("systemSeconds"), "stagesSeconds": st, "timingsLines": raw,
                       "outputs": files,
                       "stderrTail": open(os.path.join(d, "audit%d.err" % r), errors="replace").read()[-1500:]
                       if rc not in (0, 3) else None})
    nexts = []
    for r in range(1, a.repeat + 1):
        if not os.path.exists(os.path.join(d, "next%d.wall" % r)):
            continue
        nw, nrc = wall(os.path.join(d, "next%d.wall" % r))
        nt = time_v(os.path.join(d, "next%d.time" % r))
        nst, nraw = stages(os.path.join(d, "next%d.err" % r))
        nexts.append({"wallSeconds": nw, "exitCode": nrc, "completed": nrc in (0, 3),
                      "heap": gc_log(os.path.join(d, "gcnext%d.log" % r)),
                      "peakRssKiB": nt.get("peakRssKiB"), "userSeconds": nt.get("userSeconds"),
                      "systemSeconds": nt.get("systemSeconds"), "stagesSeconds": nst, "timingsLines": nraw,
                      "stderrTail": open(os.path.join(d, "next%d.err" % r), errors="replace").read()[-1500:]
                      if nrc not in (0, 3) else None})
    floor_s = statistics.median(f["wallSeconds"] for f in floors)
    # only rounds that completed (exit 0 or 3) are timed, as for the next run: a run that failed at once would
    # look fast; every round stays in "runs" with its exit code
    done = [x for x in audits if x["completed"]]
    audit_s = statistics.median(x["wallSeconds"] for x in done) if done else None
    best = min(done, key=lambda x: abs(x["wallSeconds"] - audit_s)) if done else {"heap": {}, "stagesSeconds": {}}
    t0, t1, t2 = (float(x) for x in a.stamps)
    head = sh("git -C '%s' rev-parse --short HEAD" % a.root)
    res = {
        "benchmark": "kcd-auditor issues 7 and 15: audit vs ldapsearch floor",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": head,
        "machine": machine(),
        "data": manifest,
        "setup": {"generateSeconds": round(t1 - t0, 3), "slapaddSeconds": round(t2 - t1, 3),
                  "ldifBytes": os.path.getsize(os.path.join(d, "data.ldif")),
                  "nonPagedSearchReturned": a.nopage_count,
                  "server": "OpenLDAP slapd, mdb, 127.0.0.1, size.pr=1000 for non-admin binds"},
        "floor": {"command": "ldapsearch -x -LLL -E pr=1000/noprompt '%s' %s > file" % (a.floor_filter, a.floor_attrs),
                  "wallSeconds": floor_s, "runs": floors},
        "audit": {"command": a.audit_cmd + " run --config kcd-audit.yaml --out DIR --formats " + a.formats
                             + " --timings",
                  "wallSeconds": audit_s, "peakRssKiB": max(x["peakRssKiB"] or 0 for x in audits),
                  "heap": best["heap"], "heapMax": a.heap, "stagesSeconds": best["stagesSeconds"],
                  "collectOverFloor": round(best["stagesSeconds"]["collect"] / floor_s, 2)
                  if floor_s and "collect" in best["stagesSeconds"] else None,
                  "runs": audits},
        "nextRun": next_run(nexts, floor_s),
        "ratio": round(audit_s / floor_s, 2) if floor_s and audit_s is not None else None,
        "auditMsPerHost": round(1000.0 * audit_s / a.hosts, 3) if a.hosts and audit_s is not None else None,
        "auditMsPerObject": round(1000.0 * audit_s / manifest["searchEntries"], 4) if audit_s is not None else None,
        "floorSawAllEntries": all(f["entries"] == manifest["searchEntries"] for f in floors),
        "formats": a.formats, "requestedFormats": a.requested_formats,
        "loadAverageBeforeAfter": a.load,
        "bar": {"issue15": "audit <= 3 x floor at 20k (median of 3), evaluate <= 0.5 s, peak heap flat "
                           "(20k in -Xmx512m, 50k + 200k others in -Xmx1g)"},
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    print("run.sh: wrote %s" % a.out, file=sys.stderr)


def next_run(nexts, floor_s):
    """The runs after the first, in the same store (what the daily scheduled audit does); None when not measured."""
    if not nexts:
        return None
    # only runs that completed count: a run that failed at once would look fast
    done = [x for x in nexts if x["completed"]]
    wall_s = statistics.median(x["wallSeconds"] for x in done) if done else None
    best = min(done, key=lambda x: abs(x["wallSeconds"] - wall_s)) if done else {}
    return {"command": "the same run again, in the first run's store", "wallSeconds": wall_s,
            "ratio": round(wall_s / floor_s, 2) if floor_s and wall_s else None, "heap": best.get("heap"),
            "peakRssKiB": max(x["peakRssKiB"] or 0 for x in nexts), "stagesSeconds": best.get("stagesSeconds"),
            "exitCodes": [x["exitCode"] for x in nexts], "runs": nexts}


def num(v):
    """A number of the table with two decimals, "-" where there is none (no completed audit round)."""
    return "-" if v is None else "%.2f" % v


def table(paths):
    rows = []
    stage_names = []
    for p in paths:
        if not os.path.exists(p):
            continue
        r = json.load(open(p))
        st = r["audit"].get("stagesSeconds") or {}
        for k in st:
            if k not in stage_names:
                stage_names.append(k)
        rows.append(r)
    if not rows:
        print("no results")
        return
    hdr = ["hosts", "others", "entries", "floor s", "audit s", "ratio", "next run s", "next ratio", "collect/floor",
           "ms/host", "-Xmx",
           "peak heap MiB", "live after full GC MiB", "peak RSS MiB", "exit", "written", "load"]
    hdr += ["%s s (share)" % s for s in stage_names]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "|".join("---:" for _ in hdr) + "|")
    for r in rows:
        a = r["audit"]
        rss = a.get("peakRssKiB")
        st = a.get("stagesSeconds") or {}
        nxt = r.get("nextRun")
        codes = ",".join(str(x["exitCode"]) for x in a["runs"])
        if nxt:
            codes += " / next " + ",".join(str(c) for c in nxt.get("exitCodes") or [])
        cells = [r["data"]["hosts"], r["data"]["others"], r["data"]["searchEntries"],
                 "%.2f" % r["floor"]["wallSeconds"], num(a["wallSeconds"]), num(r["ratio"]),
                 "%.2f" % nxt["wallSeconds"] if nxt and nxt["wallSeconds"] else "-",
                 "%.2f" % nxt["ratio"] if nxt and nxt["ratio"] else "-",
                 "%.2f" % a["collectOverFloor"] if a.get("collectOverFloor") else "-",
                 num(r["auditMsPerHost"]), a.get("heapMax", "-"), (a.get("heap") or {}).get("peakHeapMiB", "-"),
                 (a.get("heap") or {}).get("maxAfterFullGcMiB", "-"), "%.0f" % (rss / 1024.0) if rss else "-", codes,
                 "+".join(sorted({os.path.splitext(f)[1].lstrip(".") for f in a["runs"][0].get("outputs", {})})) or "-",
                 (r.get("loadAverageBeforeAfter") or ["-"])[0].split(" ")[0]]
        total = st.get("total") or a["wallSeconds"]
        cells += ["%.2f (%.0f%%)" % (st[s], 100.0 * st[s] / total) if s in st and total else "-" for s in stage_names]
        print("| " + " | ".join(str(c) for c in cells) + " |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", nargs="+")
    ap.add_argument("--dir")
    ap.add_argument("--hosts", type=int)
    ap.add_argument("--others", type=int)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stamps", nargs=3)
    ap.add_argument("--nopage-count", type=int)
    ap.add_argument("--formats")
    ap.add_argument("--requested-formats")
    ap.add_argument("--load", nargs=2, help="/proc/loadavg (1, 5, 15 min) before and after")
    ap.add_argument("--audit-cmd")
    ap.add_argument("--floor-filter", help="the floor's filter, as run.sh passed it to ldapsearch")
    ap.add_argument("--floor-attrs", help="the floor's attributes (space-separated), as run.sh passed them")
    ap.add_argument("--heap", default="-")
    ap.add_argument("--root")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.table:
        table(a.table)
    else:
        summarize(a)


if __name__ == "__main__":
    main()
