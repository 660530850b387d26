"""What the figures were measured on: CPU, cores, BLAS (threadpoolctl), library versions and the
load average (other people's work on a shared 2-core machine moves every figure)."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version

import numpy as np


def machine() -> dict:
    """CPU, BLAS, versions and the load average now."""
    info = {"python": platform.python_version(), "numpy": np.__version__,
            "flowgrad": _version("flowgrad"), "cores": os.cpu_count(),
            "cpu": platform.processor() or platform.machine(), "load_average": load_average()}
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        if names:
            info["cpu"] = names[0]
    except OSError:
        pass
    info["blas"] = blas()
    for name in ("OPENBLAS_CORETYPE", "XLA_FLAGS", *THREAD_VARIABLES):
        if name in os.environ:
            info[name] = os.environ[name]
    return info


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS")


_LIMITS = []


def limit_threads(n: int) -> None:
    """Caps every library at `n` threads: BLAS/OpenMP already loaded (threadpoolctl), and the
    environment read by libraries imported later and by child processes (TensorFlow's
    intra-op pool; XLA's Eigen pool is switched to one thread when n == 1)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(n)
    if n == 1:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                                   + " --xla_cpu_multi_thread_eigen=false").strip()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    _LIMITS.append(threadpool_limits(limits=n))  # held: the caps last as long as the process


def blas() -> str:
    """The BLAS libraries loaded in this process, as threadpoolctl sees them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl missing)"
    return ", ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')}, "
                     f"{p.get('num_threads')} threads)"
                     for p in threadpool_info() if p.get("user_api") == "blas")


def load_average() -> list:
    """1, 5 and 15 minute load averages, rounded."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def describe(info: dict) -> str:
    """One markdown paragraph: the machine and versions."""
    versions = ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items())
    return (f"Machine: {info['cpu']}, {info['cores']} cores; BLAS: {info['blas']}; Python "
            f"{info['python']}, NumPy {info['numpy']}, flowgrad {info['flowgrad']}"
            + (f", {versions}" if versions else "") + ".")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"
