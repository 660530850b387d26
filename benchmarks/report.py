"""The markdown report of a benchmark run: the speed table, start-up, memory, scaling, the
issue's targets with how far each is from its aim, and the profiles of missed speed aims."""

from __future__ import annotations

from benchmarks.machine import describe
from benchmarks.timing import format_bytes, format_seconds

# best-repeat ratio of flowgrad to hand NumPy: (aim, the limit above which it is not done)
SPEED_AIMS = {"W1": (1.5, 2.0), "W2": (1.5, 2.0), "W3": (1.05, 1.10), "W4": (1.02, 1.05)}
STARTUP_AIM = 0.5  # seconds: import, build W1, first step
MEMORY_AIM = 1.3  # peak RSS growth, flowgrad / hand NumPy
FLAT_LIMIT = 1 << 20  # RSS growth from 10% to 100% of the steps that still counts as flat
SLOPE_AIM = (0.9, 1.1)
HEAVY_FORBIDDEN = ("matplotlib", "sklearn", "tensorboard", "mpi4py")


def markdown(results: dict) -> str:
    """The whole report."""
    m = results["machine"]
    threads = m.get("threads", "default")
    parts = [describe(m) + f" Threads: {threads}. Load average (1, 5, 15 min) at the start {m['load_average']}, "
             f"at the end {m.get('load_average_end')} (2 cores: above 2 other work competes)."]
    if "speed" in results:
        parts.append(speed_table(results["speed"]))
    if "startup" in results:
        parts.append(startup_table(results["startup"]))
    if "memory" in results:
        parts.append(memory_tables(results["memory"]))
    if "scaling" in results:
        parts.append(scaling_table(results["scaling"]))
    parts.append(targets_table(results))
    for name, text in results.get("profiles", {}).items():
        parts.append(f"Profile of flowgrad on {name} (aim missed):\n\n{text}")
    return "\n\n".join(parts)


def speed_table(speed: dict) -> str:
    """Per workload and implementation: median and best per step, ratios to hand NumPy."""
    lines = [("| workload | implementation | median/step | best/step | ratio to NumPy (median) "
              "| ratio to NumPy (best) | ratio (paired by round, median) |"),
             "|---|---|---|---|---|---|---|"]
    loads = []
    for name, entry in speed.items():
        base = entry["results"]["numpy"]
        for impl, r in entry["results"].items():
            if "error" in r:
                lines.append(f"| {name} | {impl} | failed: {r['error'][:80]} | | | | |")
                continue
            lines.append(f"| {name} {entry['title']} | {impl} | {format_seconds(r['median'])} | "
                         f"{format_seconds(r['best'])} | {r['median'] / base['median']:.2f}x | "
                         f"{r['best'] / base['best']:.2f}x | {r.get('paired_ratio', 0):.2f}x |")
        loads.append(f"{name} {entry['load_average'][0][0]}-{entry['load_average'][1][0]}")
    first = next(iter(speed.values()))
    note = (f"{first['repeats']} repeats per implementation, taken in turns; steps per repeat: "
            + ", ".join(f"{n} {e['steps']}{_fewer(e)}" for n, e in speed.items())
            + ". Load average (1 min) before-after each workload: " + ", ".join(loads) + ".")
    return "\n".join(lines) + "\n\n" + note


def _fewer(entry) -> str:
    """' (TF2 eager 250)': the implementations that ran fewer steps per repeat (too slow)."""
    fewer = [f"{impl} {r['steps']}" for impl, r in entry["results"].items()
             if r.get("steps", entry["steps"]) < entry["steps"]]
    return f" ({', '.join(fewer)})" if fewer else ""


def speed_status(name: str, row: dict) -> str | None:
    """'met', 'aim missed by X% (done)', or 'missed by X% (not done)' for flowgrad's ratio."""
    if name not in SPEED_AIMS or "best" not in row.get("flowgrad", {}):
        return None
    ratio = row["flowgrad"]["best"] / row["numpy"]["best"]
    aim, limit = SPEED_AIMS[name]
    if ratio <= aim:
        return f"met ({ratio:.2f}x <= {aim}x)"
    done = "within" if ratio <= limit else "above"
    return f"aim missed by {ratio / aim - 1:.0%} ({ratio:.2f}x; {done} the {limit}x limit)"


def startup_table(startup: dict) -> str:
    """Per implementation: import, build and first step (best of the runs), heavy modules."""
    lines = [("| start-up (W1) | import | build | first step | total (best) | total (median) "
             "| whole process | heavy modules after import / after the step |"),
             "|---|---|---|---|---|---|---|---|"]
    for impl, r in startup.items():
        if impl == "imports":
            continue
        if "error" in r:
            lines.append(f"| {impl} | failed: {r['error'][:80]} | | | | | | |")
            continue
        b, med = r["best"], r["median"]
        heavy = f"{', '.join(b['heavy_after_import']) or 'none'} / " \
                f"{', '.join(b['heavy_after_step']) or 'none'}"
        lines.append(f"| {impl} | {b['import_s']:.3f} s | {b['build_s']:.3f} s | "
                     f"{b['first_step_s']:.3f} s | {b['total_s']:.3f} s | {med['total_s']:.3f} s"
                     f" | {b['process_s']:.3f} s | {heavy} |")
    if "imports" in startup:
        lines += ["", ("Where `import flowgrad` spends its time (`python -X importtime`, which "
                  "adds its own cost; cumulative includes nested imports):"), "",
                  "| module | cumulative | self |", "|---|---|---|"]
        lines += [f"| {name} | {cum * 1e3:.0f} ms | {own * 1e3:.1f} ms |"
                  for name, cum, own in startup["imports"]]
    return "\n".join(lines)


def memory_tables(mem: dict) -> str:
    """Peak RSS growth per implementation on W3/W4, and flatness over many steps."""
    impls = list(next(iter(mem["peak"].values())))
    lines = ["| peak RSS growth | " + " | ".join(impls) + " |",
             "|---|" + "---|" * len(impls)]
    for name, row in mem["peak"].items():
        base = row["numpy"].get("growth")
        cells = []
        for impl in impls:
            r = row[impl]
            if "error" in r:
                cells.append("failed")
            else:
                ratio = f" ({r['growth'] / base:.2f}x)" if base else ""
                cells.append(format_bytes(r["growth"]) + ratio)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", ("| RSS over many steps | implementation | RSS at 10% | at 50% | at 100% "
              "| growth 10%->100% |"), "|---|---|---|---|---|---|"]
    for name, row in mem["flat"].items():
        for impl, r in row.items():
            if "error" in r:
                lines.append(f"| {name} | {impl} | failed: {r['error'][:80]} | | | |")
                continue
            marks = list(r["rss"].values())
            lines.append(f"| {name}, {r['steps']:,} steps | {impl} | "
                         + " | ".join(format_bytes(v) for v in marks)
                         + f" | {format_bytes(r['growth'])} |")
    for name, r in mem.get("held", {}).items():
        if "error" in r:
            continue
        lines += ["", (f"Where flowgrad's memory goes on {name} (tracemalloc, after {r['steps']} "
                  f"steps): {format_bytes(r['held'])} held, traced peak "
                  f"{format_bytes(r['traced_peak'])}."), "",
                  "| held | allocated at | from |", "|---|---|---|"]
        lines += [f"| {format_bytes(x['bytes'])} | `{x['site']}` | `{x['from']}` |"
                  for x in r["sites"]]
    return "\n".join(lines) + (f"\n\nMemory children run with one BLAS thread. Load average "
                               f"before: {mem['load_average']}.")


def scaling_table(sc: dict) -> str:
    """Per N: time per epoch, anonymous memory growth; the log-log slope."""
    lines = [("| N (logistic regression, batch 100, streamed) | time/epoch (best) | median "
             "| anonymous RSS growth | index permutation (8 B/example) |"),
             "|---|---|---|---|---|"]
    for n, r in sc["sizes"].items():
        if "error" in r:
            lines.append(f"| {int(n):,} | failed: {r['error'][:80]} | | | |")
            continue
        lines.append(f"| {int(n):,} | {format_seconds(r['best'])} | "
                     f"{format_seconds(r['median'])} | {format_bytes(r['anon_growth'])} | "
                     f"{format_bytes(r['permutation_bytes'])} |")
    slope = sc.get("slope")
    return "\n".join(lines) + (f"\n\nLog-log slope of time per epoch against N: {slope:.3f}."
                               if slope is not None else "")


def targets_table(results: dict) -> str:
    """The issue's targets: measured figure and status."""
    rows = []
    for name, entry in results.get("speed", {}).items():
        status = speed_status(name, entry["results"])
        if status:
            aim, limit = SPEED_AIMS[name]
            r = entry["results"]
            measured = (f"{r['flowgrad']['best'] / r['numpy']['best']:.2f}x best, "
                        f"{r['flowgrad']['median'] / r['numpy']['median']:.2f}x median")
            rows.append(((f"{name} speed, flowgrad/NumPy best-repeat ratio <= {aim}x "
                         f"(done <= {limit}x)"), measured, status.split(" (")[0]
                         + (f" ({status.split('; ')[1]}" if "; " in status else "")))
    if "flowgrad" in results.get("startup", {}) and "best" in results["startup"]["flowgrad"]:
        r = results["startup"]["flowgrad"]
        total = r["best"]["total_s"]
        rows.append((f"start-up: import + build W1 + first step <= {STARTUP_AIM} s",
                     f"{total:.3f} s best, {r['median']['total_s']:.3f} s median",
                     _aim(total, STARTUP_AIM)))
        heavy = [m for m in r["best"]["heavy_after_import"] if m in HEAVY_FORBIDDEN]
        rows.append(("`import flowgrad` loads no " + ", ".join(HEAVY_FORBIDDEN),
                     ", ".join(r["best"]["heavy_after_import"]) or "none",
                     "met" if not heavy else "missed"))
    for name, row in results.get("memory", {}).get("peak", {}).items():
        if "growth" in row.get("flowgrad", {}) and row["numpy"].get("growth"):
            ratio = row["flowgrad"]["growth"] / row["numpy"]["growth"]
            rows.append((f"{name} peak RSS growth <= {MEMORY_AIM}x hand NumPy's",
                         f"{ratio:.2f}x", _aim(ratio, MEMORY_AIM)))
    for name, row in results.get("memory", {}).get("flat", {}).items():
        r = row.get("flowgrad", {})
        if "growth" in r:
            rows.append(((f"{name}: RSS flat over {r['steps']:,} steps (growth <= "
                         f"{format_bytes(FLAT_LIMIT)})"), format_bytes(r["growth"]),
                         "met" if r["growth"] <= FLAT_LIMIT else "missed"))
    sc = results.get("scaling")
    if sc and sc.get("slope") is not None:
        lo, hi = SLOPE_AIM
        rows.append((f"scaling: log-log slope of time per epoch in [{lo}, {hi}]",
                     f"{sc['slope']:.3f}", "met" if lo <= sc["slope"] <= hi else "missed"))
        rows.append(_streamed_memory_row(sc))
    lines = ["| target | measured | status |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def _streamed_memory_row(sc) -> tuple:
    """Memory independent of N: the anonymous-RSS growth beyond the epoch's index permutation
    varies by at most 1 MiB across N."""
    good = {int(n): r for n, r in sc["sizes"].items() if "anon_growth" in r}
    beyond = [r["anon_growth"] - r["permutation_bytes"] for r in good.values()]
    spread = max(beyond) - min(beyond)
    return ((f"streamed: memory independent of N (growth beyond the index permutation varies "
             f"<= 1 MiB over N={min(good):,}..{max(good):,})"),
            f"{format_bytes(min(beyond))}..{format_bytes(max(beyond))}",
            "met" if spread <= 1 << 20 else "missed")


def _aim(value, aim) -> str:
    return "met" if value <= aim else f"missed by {value / aim - 1:.0%}"
