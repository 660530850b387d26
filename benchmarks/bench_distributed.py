"""Data-parallel throughput: examples/distributed_logistic_regression.py on 1 and 2 MPI workers
(`python -m benchmarks.bench_distributed`, or `python -m benchmarks --distributed`).

Per worker count: examples/s (the global batch is fixed, so this is strong scaling), the step
time, and the time worker 0 spends in the allreduce kernel per step. That time includes waiting
for the slower worker, so it is compared with the bare latency of an MPI allreduce of the same
gradient buffer. The load average is printed beside the figures: on a small shared machine the
workers compete with each other and with everything else for cores, and a collective waits
for the last worker to be scheduled. Scaling is measured on a real cluster, not here."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "distributed_logistic_regression.py")


def _launch(n, program, timeout=300):
    command = [sys.executable, "-m", "flowgrad.cli", "launch", "-n", str(n), "--", *program]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def example_run(n, examples, features, batch_size) -> dict:
    """Rank 0's figures for one launch of the example on `n` workers."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "figures.json")
        _launch(n, ["python", EXAMPLE, "--examples", str(examples), "--features", str(features),
                    "--batch-size", str(batch_size), "--out", folder, "--json", path])
        with open(path) as f:
            return json.load(f)


def latency(features, iterations=2000) -> dict:
    """Microseconds per bare MPI allreduce of the gradient buffer (W and b), 2 workers."""
    out = _launch(2, ["python", "-m", "benchmarks.bench_distributed", "--latency-worker",
                      str(features + 1), str(iterations)])
    return json.loads(out.strip().splitlines()[-1])


def _latency_worker(floats, iterations) -> None:
    import numpy as np
    from mpi4py import MPI

    comm, buffer = MPI.COMM_WORLD, np.ones(floats, np.float32)
    for _ in range(100):
        comm.Allreduce(MPI.IN_PLACE, buffer)
    comm.Barrier()
    started = time.perf_counter()
    for _ in range(iterations):
        comm.Allreduce(MPI.IN_PLACE, buffer)
    seconds = (time.perf_counter() - started) / iterations
    if comm.Get_rank() == 0:
        print(json.dumps({"bytes": buffer.nbytes, "us": seconds * 1e6}))


def run(workers=(1, 2), examples=400_000, features=100, batch_size=1000, repeats=3) -> dict:
    """Figures per worker count (the median run of `repeats` by examples/s) and the latency."""
    results = {"cores": os.cpu_count(), "load_average_before": os.getloadavg()[0],
               "examples": examples, "features": features, "batch_size": batch_size, "runs": {}}
    for n in workers:
        runs = sorted((example_run(n, examples, features, batch_size) for _ in range(repeats)),
                      key=lambda r: r["examples_per_second"])
        median = runs[len(runs) // 2]
        median["examples_per_second_all"] = [r["examples_per_second"] for r in runs]
        results["runs"][n] = median
        print(f"  distributed {n} worker(s): {median['examples_per_second']:,.0f} examples/s",
              file=sys.stderr)
    results["latency"] = latency(features)
    results["load_average_after"] = os.getloadavg()[0]
    return results


def table(results) -> str:
    """Markdown: per worker count, throughput, speed-up, step and allreduce time."""
    base = results["runs"][min(results["runs"])]["examples_per_second"]
    title = (f"Data-parallel logistic regression, {results['examples']:,} examples x "
             f"{results['features']} features, global batch {results['batch_size']}, Adam; "
             f"{results['cores']} cores, load average {results['load_average_before']:.1f} "
             f"before, {results['load_average_after']:.1f} after.")
    header = ("| workers | examples/s (median; all runs) | speed-up | step | allreduce/step "
              "(worker 0, incl. waiting) | share of step |")
    lines = [title, "", header, "|---|---|---|---|---|---|"]
    for n, r in results["runs"].items():
        spread = ", ".join(f"{v:,.0f}" for v in r["examples_per_second_all"])
        share = r["allreduce_ms_per_step"] / r["step_ms"]
        lines.append(f"| {n} | {r['examples_per_second']:,.0f} ({spread}) | "
                     f"{r['examples_per_second'] / base:.2f}x | {r['step_ms']:.2f} ms | "
                     f"{r['allreduce_ms_per_step']:.3f} ms | {share:.0%} |")
    lat = results["latency"]
    note = (f"Bare MPI allreduce of the {lat['bytes']}-byte gradient buffer, 2 workers: "
            f"{lat['us']:.1f} µs. Waiting for the other worker, not the allreduce itself, is "
            "what the in-step figure mostly measures on a loaded 2-core machine.")
    lines += ["", note]
    return "\n".join(lines)


def main(argv=None) -> int:
    """Runs the section and prints its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_distributed")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--examples", type=int, default=400_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--latency-worker", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.latency_worker:
        _latency_worker(*args.latency_worker)
        return 0
    results = run(tuple(int(n) for n in args.workers.split(",")), args.examples,
                  repeats=args.repeats)
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
