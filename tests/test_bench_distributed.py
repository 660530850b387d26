"""Smoke test of `make bench`'s distributed section (issue 11): examples/s on 1 and 2 workers and
the allreduce time per step beside the step time, on a tiny problem; no timing is asserted."""

import pytest

from benchmarks import bench_distributed
from flowgrad.distributed import launch

pytest.importorskip("mpi4py")
if launch.find_mpiexec() is None:
    pytest.skip("no mpiexec installed", allow_module_level=True)


def test_one_and_two_workers_report_throughput_and_allreduce_share():
    results = bench_distributed.run(workers=(1, 2), examples=4000, features=10, batch_size=100,
                                    repeats=1)
    for n in (1, 2):
        run = results["runs"][n]
        assert run["examples_per_second"] > 0 and run["step_ms"] > 0
        assert 0 <= run["allreduce_ms_per_step"] <= run["step_ms"]
    assert results["latency"]["bytes"] == 4 * (10 + 1)  # W and b in one float32 buffer
    table = bench_distributed.table(results).splitlines()
    assert table[0].startswith("Data-parallel logistic regression, 4,000 examples x 10 features")
    assert table[4].startswith("| 1 | ") and " | 1.00x | " in table[4]
    assert table[5].startswith("| 2 | ") and table[5].endswith("% |")
    assert table[-1].startswith("Bare MPI allreduce of the 44-byte gradient buffer, 2 workers")
