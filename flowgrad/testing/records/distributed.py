"""The MPI collectives are kind 'io' (their value depends on the other workers): the generic
suites skip them and tests/test_distributed*.py covers them with 1 and 2 workers."""

from flowgrad.distributed import ops
from flowgrad.testing.op_info import OpInfo

RECORDS = [
    OpInfo("mpi_allreduce", ops.allreduce, types=("MpiAllreduce",), kind="io", grad=1),
    OpInfo("mpi_broadcast", ops.broadcast, types=("MpiBroadcast",), kind="io", grad=0),
]
