#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turn the results of tests/bench/run.sh into performance.md and a chart.

    report.py RESULTS_DIR OUT_DIR

Reads machine.txt, rtt.tsv, micro.tsv, hf/*.json, rss.tsv and profile.txt
from RESULTS_DIR (whatever exists) and writes OUT_DIR/performance.md and
OUT_DIR/performance-ratios.png (gnuplot). The hand-written reading of the
numbers between the ANALYSIS markers of an existing performance.md is kept.
"""
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ANALYSIS_BEGIN = "<!-- analysis: hand-written, kept by report.py -->"
ANALYSIS_END = "<!-- end of analysis -->"

TOOLS = ["native", "moat", "bwrap", "proot", "strace", "crun", "runc", "moat-run"]
TOOL_NAMES = {
    "native": "native",
    "moat": "moat do",
    "moat-cpu0": "moat do, all on CPU 0",
    "bwrap": "bwrap",
    "proot": "proot",
    "strace": "strace -f",
    "crun": "crun run",
    "runc": "runc run",
    "moat-run": "moat run",
}

# (op of micro.c, label, the syscall whose disposition `moat syscalls` gives)
MICRO_OPS = [
    ("getppid", "getppid", "getppid"),
    ("getppid-filtered", "getppid, allow-all seccomp filter (reference, native only)", None),
    ("read1", "read 1 byte of /dev/zero", "read"),
    ("stat", "stat (absolute path)", "newfstatat"),
    ("stat-rel", "stat (relative path)", "newfstatat"),
    ("open", "openat + close", "openat"),
    ("access", "access", "access"),
    ("readlink", "readlink", "readlink"),
    ("mkdir", "mkdir + rmdir", "mkdir"),
    ("rename", "rename", "rename"),
    ("exec", "fork + execve (static true) + wait", "execve"),
    ("fork", "fork + wait", "clone"),
    ("write", "write 1 MiB (through the injected fd)", "write"),
    ("read", "read 1 MiB (through the injected fd)", "read"),
]

BENCHES = [
    ("startup", "startup: `true`"),
    ("build-gen", "build: make -j2, generated C project"),
    ("build-gtest", "build: make -j2, googletest (Debian's /usr/src/googletest)"),
    ("files", "create + stat + unlink files"),
    ("find", "`find ROOT -name '*.h'`"),
    ("tar", "`tar cf - DIR | cat > /dev/null`"),
    ("python", "`python3 -c 'import json, sqlite3, asyncio'`"),
]


def median(values):
    return statistics.median(values) if values else None


def read_kv(path):
    kv = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                kv[k] = v
    return kv


def read_tsv(path):
    if not os.path.exists(path):
        return []
    return [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]


def fmt_time(seconds):
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e9:.0f} ns"


def fmt_ratio(r):
    if r is None:
        return "–"
    if r >= 100:
        return f"{r:.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.2f}×"


# ---------------------------------------------------------------------------
# Loading


def load_rtt(res):
    """{(placement, wake): median µs} from rtt.tsv (rep, placement, wake, µs)."""
    cells = {}
    for row in read_tsv(os.path.join(res, "rtt.tsv")):
        if len(row) == 4:
            cells.setdefault((row[1], row[2]), []).append(float(row[3]))
    return {k: median(v) for k, v in cells.items()}


def load_micro(res):
    """{op: {tool: (median ns, median paired ratio to native)}}; under the key
    "_filter_floor" the median over rounds of getppid under an allow-all
    filter ÷ plain getppid, both native."""
    by_rep = {}
    for row in read_tsv(os.path.join(res, "micro.tsv")):
        if len(row) != 4 or not row[3]:
            continue
        rep, tool, op, ns = row
        by_rep.setdefault(op, {}).setdefault(tool, {})[rep] = float(ns)
    out = {}
    for op, tools in by_rep.items():
        native = tools.get("native", {})
        out[op] = {}
        for tool, reps in tools.items():
            ratios = [reps[r] / native[r] for r in reps if r in native and native[r] > 0]
            out[op][tool] = (median(list(reps.values())), median(ratios))
    plain = by_rep.get("getppid", {}).get("native", {})
    filtered = by_rep.get("getppid-filtered", {}).get("native", {})
    floor = [filtered[r] / plain[r] for r in filtered if plain.get(r)]
    if floor:
        out["_filter_floor"] = median(floor)
    return out


def load_hyperfine(res):
    """{bench: {tool: (median s, median per-round ratio to native, runs)}}."""
    rounds = {}
    for path in sorted(glob.glob(os.path.join(res, "hf", "*.json"))):
        m = re.match(r"(.+)-(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        try:
            data = json.load(open(path))
        except (OSError, ValueError):
            continue
        for result in data.get("results", []):
            times = result.get("times") or [result["mean"]]
            rounds.setdefault(m.group(1), {}).setdefault(m.group(2), {})[result["command"]] = times
    out = {}
    for bench, by_round in rounds.items():
        all_times, ratios = {}, {}
        for r, tools in by_round.items():
            native = median(tools.get("native", []))
            for tool, times in tools.items():
                all_times.setdefault(tool, []).extend(times)
                if native:
                    ratios.setdefault(tool, []).append(median(times) / native)
        out[bench] = {
            t: (median(all_times[t]), median(ratios.get(t, [])), len(all_times[t])) for t in all_times
        }
        # moat do true against crun run, paired per round (a target).
        if bench == "startup":
            pairs = [
                median(tools["moat"]) / median(tools["crun"])
                for tools in by_round.values()
                if tools.get("moat") and tools.get("crun")
            ]
            out[bench]["_moat_over_crun"] = median(pairs)
    return out


def load_dispositions(res):
    """{syscall: disposition} from syscalls.txt (`moat syscalls` of the binary measured)."""
    out = {}
    path = os.path.join(res, "syscalls.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 3 and parts[1].isdigit():
                out[parts[0]] = parts[2]
    return out


def load_rss(res):
    """{label: {who: (max VmRSS kB, VmHWM kB, threads)}}."""
    out = {}
    for row in read_tsv(os.path.join(res, "rss.tsv")):
        if len(row) >= 5:
            out.setdefault(row[0], {})[row[1]] = (int(row[2]), int(row[3]), int(row[4]))
    return out


def load_profiles(res):
    """[(kv, [(process, syscall, per call)])] from profile-OP.txt (profile.sh)."""
    out = []
    for path in sorted(glob.glob(os.path.join(res, "profile-*.txt"))):
        kv, syscalls = {}, []
        for line in open(path):
            parts = line.split()
            if len(parts) == 4 and parts[0] == "syscalls":
                syscalls.append((parts[1], parts[2], float(parts[3])))
            elif len(parts) == 2:
                kv[parts[0]] = parts[1]
        if "workload_ns_per_call" in kv:
            out.append((kv, syscalls))
    return out


# ---------------------------------------------------------------------------
# Markdown


def section_machine(machine):
    rows = [
        ("date", machine.get("date")),
        ("CPU", f"{machine.get('cpu', '?')}, {machine.get('cpus', '?')} CPUs"
         + (f" ({machine['hypervisor']} guest)" if machine.get("hypervisor") else "")),
        ("memory", machine.get("memory")),
        ("kernel", machine.get("kernel")),
        ("OS", machine.get("os")),
        ("cgroups", machine.get("cgroup")),
        ("moat", machine.get("moat")),
        ("tools", machine.get("tools")),
        ("mode", f"{machine.get('mode')}: {machine.get('reps')} rounds; generated project "
         f"{machine.get('gen_files')} files; {machine.get('files_n')} files; "
         f"find {machine.get('find_root')}; tar {machine.get('tar_dir')}; "
         f"googletest targets: {machine.get('gtest_targets')}; "
         f"micro iterations ×{machine.get('micro_scale')}; sequential I/O {machine.get('io_mib')} MiB"),
        ("harness run time", machine.get("elapsed")),
    ]
    lines = ["| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows if v]
    return "\n".join(lines)


def target_rows(rtt, micro, hf, rss):
    rows = []

    def ratio(op, tool="moat"):
        return micro.get(op, {}).get(tool, (None, None))[1]

    floor = micro.get("_filter_floor")
    for op, label in (("getppid", "getppid"), ("read1", "1-byte read")):
        r = ratio(op)
        if r is not None:
            note = f" (an allow-all seccomp filter alone: {fmt_ratio(floor)})" if floor else ""
            rows.append((f"native-disposition {label} ≤ 1.05× native", fmt_ratio(r) + note, r <= 1.05))
    bare = rtt.get(("same", "plain"))
    for op, label in (("stat", "stat"), ("open", "openat + close")):
        ns = micro.get(op, {}).get("moat", (None, None))[0]
        if ns is not None and bare:
            r = ns / 1000 / bare
            rows.append((f"trapped {label} ≤ 2.5× bare same-CPU round trip ({bare:.1f} µs)",
                         f"{ns / 1000:.1f} µs = {r:.1f}×", r <= 2.5))
    for bench, label in (("build-gen", "generated project"), ("build-gtest", "googletest")):
        r = hf.get(bench, {}).get("moat", (None, None, 0))[1]
        if r is not None:
            rows.append((f"build ({label}) ≤ 1.05× native", fmt_ratio(r), r <= 1.05))
    r = hf.get("startup", {}).get("_moat_over_crun")
    if r is not None:
        rows.append(("`moat do true` ≤ `crun run` (busybox bundle)", f"{fmt_ratio(r)} crun", r <= 1.0))
    build = rss.get("build", {})
    if "sentry" in build and "gofer" in build:
        total = build["sentry"][0] + build["gofer"][0]
        rows.append(("sentry + gofer RSS ≤ 16 MiB during the build", f"{total / 1024:.1f} MiB",
                     total <= 16 * 1024))
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in rows]
    return "\n".join(lines)


def section_rtt(rtt):
    placements = [p for p in ("same", "cross", "task", "free") if any(k[0] == p for k in rtt)]
    waits = [("plain", "NOTIF_RECV"), ("epoll", "epoll, then RECV"),
             ("sync", "epoll + SYNC_WAKE_UP"), ("sync-recv", "RECV + SYNC_WAKE_UP (moat)"),
             ("seqpacket", "SOCK_SEQPACKET ping-pong (the gofer hop)")]
    names = {"same": "same CPU", "cross": "cross CPU", "task": "task pinned", "free": "unpinned"}
    lines = ["| supervisor waits in | " + " | ".join(names[p] for p in placements) + " |",
             "|---|" + "---:|" * len(placements)]
    for w, label in waits:
        if any((p, w) in rtt for p in placements):
            cells = [f"{rtt[(p, w)]:.1f} µs" if (p, w) in rtt else "–" for p in placements]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section_micro(micro, rtt, dispositions):
    tools = [t for t in ("native", "moat", "moat-cpu0", "proot", "strace")
             if any(isinstance(v, dict) and t in v for v in micro.values())]
    bare = rtt.get(("same", "plain"))
    head = "| operation | moat's disposition | " + " | ".join(
        TOOL_NAMES[t] + ("" if t == "native" else " (× native)") for t in tools)
    head += " | moat ÷ bare RTT |" if bare else " |"
    lines = [head, "|---|---|" + "---:|" * (len(tools) + (1 if bare else 0))]
    for op, label, syscall in MICRO_OPS:
        if op not in micro:
            continue
        disposition = dispositions.get(syscall, "?") if syscall else "–"
        if op == "getppid-filtered" and micro.get("_filter_floor"):
            label += f", {fmt_ratio(micro['_filter_floor'])} plain getppid"
        cells = []
        for t in tools:
            ns, r = micro[op].get(t, (None, None))
            if ns is None:
                cells.append("–")
            elif t == "native":
                cells.append(fmt_time(ns / 1e9))
            else:
                cells.append(f"{fmt_time(ns / 1e9)} ({fmt_ratio(r)})")
        row = f"| {label} | {disposition} | " + " | ".join(cells) + " |"
        if bare:
            # Only for calls that were trapped (emulated* may run natively).
            ns, r = micro[op].get("moat", (None, None))
            trapped = disposition.startswith("emulated") and r and r > 2
            row += f" {ns / 1000 / bare:.1f} |" if ns and trapped else " |"
        lines.append(row)
    return "\n".join(lines)


def section_commands(hf, machine):
    tools = [t for t in TOOLS if any(t in v for v in hf.values())]
    lines = ["| command | " + " | ".join(TOOL_NAMES[t] for t in tools) + " |",
             "|---|" + "---:|" * len(tools)]
    for bench, label in BENCHES:
        if bench not in hf:
            continue
        label = label.replace("ROOT", machine.get("find_root", "/usr")).replace(
            "DIR", machine.get("tar_dir", "/usr/include"))
        if bench == "files":
            label = f"create + stat + unlink {machine.get('files_n', '?')} files"
        if bench == "build-gen":
            label = f"build: make -j2, generated {machine.get('gen_files', '?')}-file C project"
        cells = []
        for t in tools:
            s, r, _ = hf[bench].get(t, (None, None, 0))
            if s is None:
                cells.append("–")
            elif t == "native":
                cells.append(fmt_time(s))
            else:
                cells.append(f"{fmt_time(s)} ({fmt_ratio(r)})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section_rss(rss):
    names = {"idle": "idle (`moat do sleep 2`)", "build": "during the build (make -j2, generated project)"}
    lines = ["| | sentry VmRSS | gofer VmRSS | sum | sentry / gofer peak threads |",
             "|---|---:|---:|---:|---:|"]
    for label in ("idle", "build"):
        if label not in rss:
            continue
        s, g = rss[label].get("sentry", (0, 0, 0)), rss[label].get("gofer", (0, 0, 0))
        lines.append(f"| {names[label]} | {s[0] / 1024:.1f} MiB | {g[0] / 1024:.1f} MiB | "
                     f"{(s[0] + g[0]) / 1024:.1f} MiB | {s[2]} / {g[2]} |")
    return "\n".join(lines)


def section_profile(profiles):
    lines = [
        "tests/bench/profile.sh runs `moat do micro OP` twice. Untraced, it samples the CPU time",
        "(/proc/PID/stat) and context switches (/proc/PID/task/*/status) of the sentry and the",
        "gofer, divided by the number of calls; traced with `strace -f` on both, it counts their",
        "system calls per notification received.",
        "",
        "| operation | workload sees | sentry CPU | sentry switches | gofer CPU | gofer switches |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kv, _ in profiles:
        lines.append(
            f"| {kv.get('op')} ({kv.get('calls')} calls) | "
            f"{float(kv.get('workload_ns_per_call', 0)) / 1000:.1f} µs | "
            f"{kv.get('sentry_cpu_us_per_call')} µs | {kv.get('sentry_switches_per_call')} | "
            f"{kv.get('gofer_cpu_us_per_call')} µs | {kv.get('gofer_switches_per_call')} |")
    lines += ["", "| operation | process | system calls per trapped call |", "|---|---|---|"]
    for kv, syscalls in profiles:
        for who in ("sentry", "gofer"):
            calls = [f"{name} {n:g}" for w, name, n in syscalls if w == who]
            if calls:
                lines.append(f"| {kv.get('op')} | {who} | {', '.join(calls)} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Chart


def chart(micro, hf, out_png):
    """Two panels of ratios to native (log scale): micro operations, whole commands."""
    tmp = tempfile.mkdtemp()
    micro_tools = [t for t in ("moat", "moat-cpu0", "proot", "strace")
                   if any(isinstance(v, dict) and t in v for v in micro.values())]
    micro_rows = []
    for op, _, _ in MICRO_OPS:
        if op in micro and op != "getppid-filtered":
            micro_rows.append([op] + [micro[op].get(t, (None, None))[1] or "NaN" for t in micro_tools])
    cmd_tools = [t for t in TOOLS if t != "native" and any(t in v for v in hf.values())]
    cmd_rows = []
    for bench, _ in BENCHES:
        if bench in hf:
            cmd_rows.append([bench] + [hf[bench].get(t, (None, None, 0))[1] or "NaN" for t in cmd_tools])
    if not micro_rows and not cmd_rows:
        return False

    def write(name, rows):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            for row in rows:
                f.write(" ".join(f'"{c}"' if isinstance(c, str) and c != "NaN" else str(c) for c in row) + "\n")
        return path

    colors = {"moat": "#1f77b4", "moat-cpu0": "#aec7e8", "proot": "#ff7f0e", "strace": "#7f7f7f", "bwrap": "#2ca02c",
              "crun": "#9467bd", "runc": "#8c564b", "moat-run": "#17becf"}
    panels = []
    if micro_rows:
        panels.append(("micro: per-operation cost, ratio to native", write("micro.dat", micro_rows), micro_tools))
    if cmd_rows:
        panels.append(("whole commands: wall time, ratio to native", write("cmd.dat", cmd_rows), cmd_tools))
    script = [
        f"set terminal pngcairo size 1400,{460 * len(panels)} font 'DejaVu Sans,11'",
        f"set output '{out_png}'",
        f"set multiplot layout {len(panels)},1",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set logscale y 10",
        "set yrange [0.5:*]",
        "set grid ytics mytics",
        "set ylabel 'ratio to native (log)'",
        "set key outside right top vertical Left reverse",
        "set xtics rotate by -25 nomirror",
        "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb 'black' front",
    ]
    for title, path, tools in panels:
        script.append(f"set title '{title}'")
        plots = [
            f"'{path}' using {i + 2}:xtic(1) title '{TOOL_NAMES[t]}' lc rgb '{colors.get(t, '#333333')}'"
            for i, t in enumerate(tools)
        ]
        script.append("plot " + ", ".join(plots))
    script.append("unset multiplot")
    gp = os.path.join(tmp, "chart.gp")
    open(gp, "w").write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)
    return True


# ---------------------------------------------------------------------------


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RESULTS_DIR OUT_DIR")
    res, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    machine = read_kv(os.path.join(res, "machine.txt"))
    rtt, micro, hf = load_rtt(res), load_micro(res), load_hyperfine(res)
    rss, profiles = load_rss(res), load_profiles(res)
    md_path = os.path.join(out, "performance.md")
    png = os.path.join(out, "performance-ratios.png")

    analysis = f"{ANALYSIS_BEGIN}\n(Not written yet: read the numbers above and say where the time goes.)\n{ANALYSIS_END}"
    if os.path.exists(md_path):
        old = open(md_path).read()
        i, j = old.find(ANALYSIS_BEGIN), old.find(ANALYSIS_END)
        if i >= 0 and j > i:
            analysis = old[i:j + len(ANALYSIS_END)]

    have_chart = chart(micro, hf, png)
    notes = []
    for key in ("crun_note", "crun_error", "runc_error", "moat_run"):
        if machine.get(key):
            notes.append(f"- {key.split('_')[0]}: {machine[key]}")

    md = [
        "# Performance",
        "",
        "Generated by `make bench` (tests/bench/run.sh, then tests/bench/report.py) from one run on",
        "the machine below; only the section *Where the time goes* is written by hand (report.py",
        "keeps it). `tests/bench/run.sh --quick` is a smaller smoke run that writes its report",
        "under /var/tmp/moat-bench/results-quick/ instead.",
        "",
        "Method: this machine is shared and noisy, so every number is taken in the same run as",
        "its reference and the tools are interleaved: each round runs every tool (in a shuffled",
        "order) on the same input, and a ratio is the median over the rounds of",
        "*tool ÷ native in that round*. Absolute numbers are medians over all rounds. Whole",
        "commands are timed by hyperfine (`-N`, no intermediate shell); micro operations by",
        "tests/bench/micro.c, one static binary run natively and under each tool, which times its",
        "own loop after an untimed warm-up of a tenth of the iterations (so sandbox start-up is",
        "excluded). Every `moat do` gets `--rw` on the benchmark's work directory",
        "(/var/tmp/moat-bench), as a build would.",
        "",
        "## Machine",
        "",
        section_machine(machine),
        "",
        "## Targets",
        "",
        "Results, not timed tests: nothing fails when a target is missed. Why each missed",
        "target is missed, and by how much, is in *Where the time goes* below.",
        "",
        target_rows(rtt, micro, hf, rss),
        "",
    ]
    if have_chart:
        md += ["![ratios to native](performance-ratios.png)", ""]
    if rtt:
        md += [
            "## The trap mechanism",
            "",
            "tests/bench/unotify_rtt.c: a child traps getppid with SECCOMP_RET_USER_NOTIF and an",
            "empty supervisor answers at once; time per round trip. tests/bench/seqpacket_rtt.c: the",
            "same for a request/reply between two processes over a SOCK_SEQPACKET socketpair, the",
            "transport between the sentry and the gofer. Pinned with sched_setaffinity: both on CPU 0",
            "(same), CPU 0 and CPU 1 (cross), only the trapping task on CPU 0 (task pinned: where",
            "does the kernel wake the supervisor?), or left to the scheduler (unpinned, as moat runs).",
            "",
            section_rtt(rtt),
            "",
        ]
    if micro:
        md += [
            "## Per operation",
            "",
            "Median time per operation; in brackets the median ratio to native. The disposition is",
            "the syscall's row in `moat syscalls` (a `*` marks a conditional rule). The last column",
            "compares moat's time with the bare same-CPU round trip (plain NOTIF_RECV) above, for",
            "the calls that were trapped.",
            "",
            section_micro(micro, rtt, load_dispositions(res)),
            "",
        ]
    if hf:
        md += [
            "## Whole commands",
            "",
            "Median wall time; in brackets the median ratio to native. bwrap runs with",
            "`--unshare-all --ro-bind / / --bind WORK WORK --dev /dev --proc /proc --tmpfs /tmp`,",
            "proot with `-w $PWD` (host root), crun and runc run a busybox bundle (`/bin/true`,",
            "the config of `runc spec`). Builds start from `make clean` (hyperfine `--prepare`);",
            "googletest is configured once with CMake beforehand.",
            "",
            section_commands(hf, machine),
            "",
        ]
        if notes:
            md += ["Notes:", ""] + notes + [""]
    if rss:
        md += [
            "## Memory",
            "",
            "Largest VmRSS seen of each process (sampled every 50 ms from /proc/PID/status; shared",
            "pages of the moat binary and libc counted in each).",
            "",
            section_rss(rss),
            "",
        ]
    if profiles:
        md += ["## Anatomy of a trapped call", "", section_profile(profiles), ""]
    md += ["## Where the time goes", "", analysis, ""]
    open(md_path, "w").write("\n".join(md))
    print(f"report.py: wrote {md_path}" + (f" and {png}" if have_chart else ""))


if __name__ == "__main__":
    main()
