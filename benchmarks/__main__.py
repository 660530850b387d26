"""Runs the benchmarks: `python -m benchmarks [--peers] [--only W1,W2] [--sections ...] [--quick]`.

Sections: speed (W1-W4, every implementation verified against the NumPy reference, then timed
in turns), startup, memory (peak growth on W3/W4, flatness over many steps), scaling (time per
epoch against N), profile (where flowgrad's time goes, for each speed aim it misses)."""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from benchmarks import machine, report, workloads
from benchmarks.timing import format_seconds, interleaved

VERIFY_STEPS = 5
SECTIONS = "speed,startup,memory,scaling,profile"
REPEAT_BUDGET = 1.0  # seconds: a slower implementation runs fewer steps per repeat


def implementations(peers: bool) -> dict:
    """name -> build(workload) returning (step, params_fn); peers only when asked and present."""
    import flowgrad
    from benchmarks import impl_flowgrad

    impls = {"numpy": _numpy_build,
             "flowgrad": lambda w: impl_flowgrad.build_step(flowgrad, w)}
    if peers:
        from benchmarks import peers as peer_impls

        impls.update(peer_impls.available())
    return impls


def _numpy_build(w):
    step, params = workloads.numpy_step_fn(w)
    return step, lambda: params


def verify(name, build, w, steps: int = VERIFY_STEPS):
    """Builds `name`'s step and checks its losses and then its parameters against the NumPy
    reference over the first steps; returns the (already warm) step, or raises."""
    ref_step, ref_params = workloads.numpy_step_fn(w)
    step, params_fn = build(w)
    for i in range(steps):
        expected, got = float(ref_step()), float(step())
        if not abs(got - expected) <= 1e-3 * max(1.0, abs(expected)):
            raise AssertionError(f"{name} on {w.name}: step {i} loss {got} != NumPy {expected}")
    for key, value in params_fn().items():
        diff = float(np.max(np.abs(np.asarray(value) - ref_params[key])))
        if not diff <= 1e-3 * max(1.0, float(np.max(np.abs(ref_params[key])))):
            raise AssertionError(f"{name} on {w.name}: parameter {key} differs from NumPy's "
                                 f"by {diff:.3g} after {steps} steps")
    return step


def speed(names, impls, repeats, quick) -> dict:
    """Per workload: verify every implementation, then time them in turns."""
    out = {}
    for name in names:
        w = workloads.make(name)
        steps = max(1, w.steps // 20) if quick else w.steps
        steps_by_impl, row = {}, {}
        for impl, build in impls.items():
            try:
                steps_by_impl[impl] = verify(impl, build, w)
            except Exception as e:  # a peer failing is reported, not fatal
                row[impl] = {"error": f"{type(e).__name__}: {e}"}
        load = machine.load_average()
        row.update(interleaved(steps_by_impl, steps, repeats, budget=REPEAT_BUDGET))
        row = {impl: row[impl] for impl in impls}  # the table's order
        for impl, r in row.items():
            print(f"  {name} {impl}: {r.get('error') or format_seconds(r['median'])}",
                  file=sys.stderr)
        out[name] = {"title": w.title, "steps": steps, "repeats": repeats, "results": row,
                     "load_average": [load, machine.load_average()]}
        del steps_by_impl
    return out


def startup(impls, runs=3) -> dict:
    """Best and median start-up figures per implementation, each from `runs` fresh processes."""
    from benchmarks.startup import import_profile, measure

    out = {}
    for impl in impls:
        samples = [measure(impl) for _ in range(runs)]
        good = sorted((s for s in samples if "error" not in s), key=lambda s: s["total_s"])
        out[impl] = ({"best": good[0], "median": good[len(good) // 2]} if good
                     else samples[0])
        figure = out[impl].get("error") or f"{out[impl]['best']['total_s']:.3f} s"
        print(f"  startup {impl}: {figure}", file=sys.stderr)
    if out.get("flowgrad", {}).get("best", {}).get("total_s", 0) > report.STARTUP_AIM:
        out["imports"] = import_profile()  # where the time goes
    return out


def memory(impls, quick) -> dict:
    """Peak RSS growth on W3/W4 per implementation; flatness of numpy and flowgrad on W1, W3."""
    from benchmarks.memory import measure

    out = {"peak": {}, "flat": {}, "held": {}, "load_average": machine.load_average()}
    for name, steps in (("W3", 20), ("W4", 3)):
        row = out["peak"][name] = {impl: measure("peak", impl, name, steps) for impl in impls}
        if row["flowgrad"].get("growth", 0) > report.MEMORY_AIM * row["numpy"].get("growth", 1):
            out["held"][name] = measure("trace", "flowgrad", name, steps)  # where it goes
    for name, steps in (("W1", 10_000), ("W3", 1_000)):
        steps = steps // 10 if quick else steps
        out["flat"][name] = {impl: measure("flat", impl, name, steps)
                             for impl in ("numpy", "flowgrad")}
    print("  memory: done", file=sys.stderr)
    return out


def main(argv=None) -> int:
    """Runs the chosen sections and prints the markdown report; writes JSON and markdown."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--peers", action="store_true", help="also time installed peers")
    parser.add_argument("--only", default="W1,W2,W3,W4")
    parser.add_argument("--sections", default=SECTIONS)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="fewer steps (smoke run)")
    parser.add_argument("--threads", type=int,
                        help="cap BLAS/OpenMP/TF threads (default: the libraries' own choice)")
    parser.add_argument("--json", default="benchmarks/results/latest.json")
    parser.add_argument("--distributed", action="store_true",
                        help="also time data-parallel training on 1 and 2 MPI workers")
    args = parser.parse_args(argv)
    sections = set(args.sections.split(","))
    if args.threads:
        machine.limit_threads(args.threads)
    impls = implementations(args.peers)
    results = {"machine": machine.machine(), "argv": sys.argv[1:] if argv is None else argv}
    results["machine"]["threads"] = args.threads or "default"
    if args.peers:
        from benchmarks import peers as peer_impls

        results["machine"]["versions"] = peer_impls.versions()
    print(machine.describe(results["machine"]), file=sys.stderr)
    if "speed" in sections:
        results["speed"] = speed(args.only.split(","), impls, args.repeats, args.quick)
    if "startup" in sections:
        results["startup"] = startup(impls, runs=1 if args.quick else 3)
    if "memory" in sections:
        results["memory"] = memory(impls, args.quick)
    if "scaling" in sections:
        from benchmarks import scaling

        sizes = scaling.SIZES[:2] if args.quick else scaling.SIZES
        results["scaling"] = scaling.run(sizes, repeats=1 if args.quick else 3)
    if "profile" in sections and "speed" in sections:
        results["profiles"] = _profiles(results["speed"], args.quick)
    if args.distributed:
        from benchmarks import bench_distributed

        results["distributed"] = bench_distributed.run(
            examples=100_000 if args.quick else 400_000, repeats=min(args.repeats, 3))
    results["machine"]["load_average_end"] = machine.load_average()
    text = report.markdown(results)
    if args.distributed:
        text += "\n\n" + bench_distributed.table(results["distributed"])
    print(text)
    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.splitext(args.json)[0] + ".md", "w") as f:
        f.write(text + "\n")
    return 0


def _profiles(speed_results, quick) -> dict:
    """Markdown profiles of flowgrad for the workloads whose speed aim it misses."""
    from benchmarks import profile

    out = {}
    for name, entry in speed_results.items():
        status = report.speed_status(name, entry["results"])
        if status and not status.startswith("met"):
            out[name] = profile.markdown(name, steps=1 if quick else None)
    return out


if __name__ == "__main__":
    sys.exit(main())
