"""Runs the benchmarks: `python -m benchmarks [--peers] [--only W1,W2] [--quick]`."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys

import numpy as np

from benchmarks import workloads
from benchmarks.timing import format_seconds, time_steps

VERIFY_STEPS = 5


def machine() -> dict:
    """CPU, BLAS and library versions for the report."""
    info = {"python": platform.python_version(), "numpy": np.__version__,
            "cores": os.cpu_count(), "cpu": platform.processor() or platform.machine()}
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        if names:
            info["cpu"] = names[0]
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = ", ".join(f"{p.get('internal_api')} {p.get('version')} "
                                 f"({p.get('architecture')}, {p.get('num_threads')} threads)"
                                 for p in threadpool_info() if p.get("user_api") == "blas")
    except ImportError:
        info["blas"] = "unknown (threadpoolctl missing)"
    return info


def implementations(peers: bool) -> dict:
    """name -> build(workload) returning (step, params_fn); peers only when asked and present."""
    from benchmarks import impl_flowgrad

    import flowgrad

    impls = {"flowgrad": lambda w: impl_flowgrad.build_step(flowgrad, w)}
    if peers:
        from benchmarks import peers as peer_impls

        impls.update(peer_impls.available())
    return impls


def verify(name, build, w) -> float:
    """Max relative loss difference to NumPy over the first steps; raises if they disagree."""
    ref_step, _ = workloads.numpy_step_fn(w)
    step, _ = build(w)
    worst = 0.0
    for i in range(VERIFY_STEPS):
        expected, got = float(ref_step()), float(step())
        diff = abs(got - expected) / max(1.0, abs(expected))
        worst = max(worst, diff)
        if diff > 1e-3:
            raise AssertionError(f"{name} on {w.name}: step {i} loss {got} != NumPy {expected}")
    return worst


def main(argv=None) -> int:
    """Times every implementation on every workload and prints one markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--peers", action="store_true", help="also time installed peers")
    parser.add_argument("--only", default="W1,W2,W3,W4")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer steps (smoke run)")
    parser.add_argument("--json", default="benchmarks/results/latest.json")
    parser.add_argument("--distributed", action="store_true",
                        help="also time data-parallel training on 1 and 2 MPI workers")
    args = parser.parse_args(argv)
    impls = implementations(args.peers)
    results = {"machine": machine(), "workloads": {}}
    print("machine:", json.dumps(results["machine"]))
    for name in args.only.split(","):
        w = workloads.make(name)
        steps = max(1, w.steps // 10) if args.quick else w.steps
        ref_step, _ = workloads.numpy_step_fn(w)
        row = {"numpy": time_steps(ref_step, steps, args.repeats)}
        for impl_name, build in impls.items():
            try:
                verify(impl_name, build, w)
                step, _ = build(w)
                row[impl_name] = time_steps(step, steps, args.repeats)
            except Exception as e:  # a peer failing is reported, not fatal
                row[impl_name] = {"error": f"{type(e).__name__}: {e}"}
            print(f"  {name} {impl_name}: {row[impl_name].get('error') or format_seconds(row[impl_name]['median'])}",
                  file=sys.stderr)
        results["workloads"][name] = {"title": w.title, "results": row}
    print(table(results))
    if args.distributed:
        from benchmarks import bench_distributed

        results["distributed"] = bench_distributed.run(
            examples=100_000 if args.quick else 400_000, repeats=min(args.repeats, 3))
        print("\n" + bench_distributed.table(results["distributed"]))
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    return 0


def table(results) -> str:
    """Markdown: per workload and implementation, median, best and best-ratio to NumPy."""
    lines = ["| workload | implementation | median/step | best/step | ratio to NumPy (best) |",
             "|---|---|---|---|---|"]
    for name, entry in results["workloads"].items():
        base = entry["results"]["numpy"]["best"]
        for impl, r in entry["results"].items():
            if "error" in r:
                lines.append(f"| {name} | {impl} | failed: {r['error'][:60]} | | |")
                continue
            lines.append(f"| {name} {entry['title']} | {impl} | {format_seconds(r['median'])} | "
                         f"{format_seconds(r['best'])} | {r['best'] / base:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
