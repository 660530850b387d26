"""Start-up: in a fresh interpreter, import the library, build the W1 program and run its first
step, timing each part; and list the heavy modules that `import flowgrad` must not load.
The parent runs `python -m benchmarks.startup IMPL` and reads the JSON on its last line, so
nothing here imports NumPy (or anything else timed) before the clock starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # children run from here
HEAVY = ("matplotlib", "sklearn", "tensorboard", "mpi4py", "scipy", "tqdm")
LIBRARY = {"flowgrad": "flowgrad", "numpy": "numpy", "JAX jit": "jax", "autograd": "autograd",
           "TF1 Session.run": "tensorflow", "PyTorch eager": "torch",
           "TF2 tf.function": "tensorflow", "TF2 eager": "tensorflow"}


def measure(impl: str, python: str = sys.executable, timeout: float = 120) -> dict:
    """Runs one fresh interpreter for `impl` and returns its figures (plus the whole process's
    wall time, interpreter start and exit included)."""
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "benchmarks.startup", impl], capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env=_quiet_env(), cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def import_profile(module: str = "flowgrad", top: int = 8, python: str = sys.executable) -> list:
    """`python -X importtime -c 'import module'`: (name, cumulative seconds, self seconds) of
    the module, numpy, and the modules it imports directly, largest cumulative first (a
    cumulative time includes the imports nested in it; importtime itself adds some)."""
    done = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, timeout=120, check=False,
                          env=_quiet_env(), cwd=ROOT)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth <= 1 or name.strip() == "numpy":
            rows.append((name.strip(), int(cumulative) / 1e6, int(own) / 1e6))
    rows = [r for r in rows if r[0] == module or r[0] == "numpy" or r[0].startswith(module)]
    return sorted(rows, key=lambda r: -r[1])[:top]


def _child(impl: str) -> dict:
    start = time.perf_counter()
    library = __import__(LIBRARY[impl])
    imported = time.perf_counter()
    loaded_by_import = sorted(m for m in HEAVY if m in sys.modules)
    from benchmarks import workloads

    w = workloads.make("W1")
    made = time.perf_counter()  # making the data is not the library's time
    if impl == "flowgrad":
        from benchmarks import impl_flowgrad

        step, _ = impl_flowgrad.build_step(library, w)
    elif impl == "numpy":
        step, _ = workloads.numpy_step_fn(w)
    else:
        from benchmarks import peers

        step, _ = peers.available()[impl](w)
    built = time.perf_counter()
    float(step())
    stepped = time.perf_counter()
    return {"import_s": imported - start, "build_s": built - made,
            "first_step_s": stepped - built,
            "total_s": (imported - start) + (stepped - made),
            "heavy_after_import": loaded_by_import,
            "heavy_after_step": sorted(m for m in HEAVY if m in sys.modules)}


def _quiet_env() -> dict:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1])))
