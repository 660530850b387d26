"""Memory, one fresh interpreter per measurement: peak RSS growth of building and running a
workload (over the RSS once the library is imported and the data made), and whether RSS stays
flat over many steps (RSS after 10% of the steps against RSS after all of them).
The parent runs `python -m benchmarks.memory MODE IMPL WORKLOAD STEPS` and reads the JSON
on the last line."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from benchmarks.startup import LIBRARY, ROOT, _quiet_env

# What is measured (allocations of a step) does not depend on BLAS threads, and one thread
# keeps 1,000 W3 steps from taking minutes when other work oversubscribes the cores.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def measure(mode: str, impl: str, workload: str, steps: int, python: str = sys.executable,
            timeout: float = 300) -> dict:
    """Figures of one child run; {'error': ...} if it failed."""
    done = subprocess.run([python, "-m", "benchmarks.memory", mode, impl, workload, str(steps)],
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={**_quiet_env(), **ONE_THREAD}, cwd=ROOT)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def status(field: str) -> int:
    """A byte count from /proc/self/status: VmRSS (now), VmHWM (peak), RssAnon."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak() -> bool:
    """Resets the kernel's peak-RSS mark (VmHWM) so that earlier peaks do not hide ours."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _build(impl, w):
    from benchmarks import workloads

    if impl == "numpy":
        return workloads.numpy_step_fn(w)
    if impl == "flowgrad":
        import flowgrad
        from benchmarks import impl_flowgrad

        return impl_flowgrad.build_step(flowgrad, w)
    from benchmarks import peers

    return peers.available()[impl](w)


def _child(mode: str, impl: str, workload: str, steps: int) -> dict:
    __import__(LIBRARY[impl])
    from benchmarks import workloads

    w = workloads.make(workload)
    gc.collect()
    exact = reset_peak()
    base = status("VmRSS")
    if mode == "trace":
        return _held(impl, w, steps)
    step, _ = _build(impl, w)
    if mode == "peak":
        for _ in range(steps):
            step()
        return {"base": base, "peak": status("VmHWM"), "growth": status("VmHWM") - base,
                "steps": steps, "peak_reset": exact}
    marks = {}
    for i in range(1, steps + 1):
        step()
        if i in (max(1, steps // 10), steps // 2, steps):
            gc.collect()
            marks[i] = status("VmRSS")
    first, last = marks[max(1, steps // 10)], marks[steps]
    return {"base": base, "rss": marks, "growth": last - first, "steps": steps,
            "growth_per_step": (last - first) / (steps - max(1, steps // 10))}


def _held(impl, w, steps, top: int = 5) -> dict:
    """Where the memory still held after the steps was allocated (tracemalloc): the innermost
    library frame of each of the `top` largest sites, and the benchmark line that led to it."""
    import tracemalloc

    tracemalloc.start(30)
    step, _ = _build(impl, w)
    for _ in range(steps):
        step()
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    sites = []
    for stat in tracemalloc.take_snapshot().statistics("traceback")[:top]:
        frames = [(f.filename, f.lineno) for f in stat.traceback]  # oldest call first
        library = [f for f in frames if "/benchmarks/" not in f[0]]
        caller = [f for f in frames if "/benchmarks/" in f[0]]
        sites.append({"bytes": stat.size, "site": _where(library[-1] if library else frames[-1]),
                      "from": _where(caller[-1]) if caller else ""})
    return {"held": held, "traced_peak": peak, "sites": sites, "steps": steps}


def _where(frame) -> str:
    filename, line = frame
    for marker in ("/flowgrad/", "/benchmarks/"):
        if marker in filename:
            filename = marker[1:] + filename.split(marker, 1)[1]
    return f"{filename}:{line}"


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))))
