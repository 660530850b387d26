"""flowgrad.distributed on 2 MPI workers launched here: equivalence with one worker, one fused
allreduce per step, broadcast, rank-0-only writing, checkpoints across worker counts, failure,
and programs that run unchanged with `launch -n 1` and without a launcher."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import test_distributed_programs as programs

from flowgrad.distributed import launch as launch_module

pytest.importorskip("mpi4py")
if launch_module.find_mpiexec() is None:
    pytest.skip("no mpiexec installed", allow_module_level=True)
PROGRAMS = programs.__file__
FLOWGRAD = [sys.executable, "-m", "flowgrad.cli"]
RTOL = 1e-10


def launch(n, mode, out, timeout=60):
    """Runs `flowgrad launch -n n python test_distributed_programs.py mode out`."""
    started = time.monotonic()
    done = subprocess.run([*FLOWGRAD, "launch", "-n", str(n), "--", "python", PROGRAMS, mode,
                           str(out)], capture_output=True, text=True, timeout=timeout, check=False)
    return done, time.monotonic() - started


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """One 2-worker launch making every check's results (ranks' arrays and facts)."""
    out = tmp_path_factory.mktemp("two_workers")
    os.makedirs(out / "one")
    programs.train("adam", stop=25, save=str(out / "one" / "model.ckpt"))  # a 1-worker checkpoint
    done, _ = launch(2, "workers", out)
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [(dict(np.load(out / f"rank{r}.npz")), json.loads((out / f"rank{r}.json").read_text()))
             for r in range(2)]
    return out, ranks


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_two_workers_on_half_batches_equal_one_worker_on_whole_batches(two_workers, optimizer):
    _, ranks = two_workers
    (W, b), collectives = programs.train(optimizer)
    assert collectives == []
    for arrays, facts in ranks:
        assert facts["size"] == 2
        np.testing.assert_allclose(arrays[f"{optimizer}_W"], W, rtol=RTOL, atol=0)
        np.testing.assert_allclose(arrays[f"{optimizer}_b"], b, rtol=RTOL, atol=0)
    assert np.array_equal(ranks[0][0][f"{optimizer}_W"], ranks[1][0][f"{optimizer}_W"])
    assert [facts["rank"] for _, facts in ranks] == [0, 1]
    assert [facts["local_rank"] for _, facts in ranks] == [0, 1]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_one_fused_allreduce_per_step(two_workers, optimizer):
    _, ranks = two_workers
    for _, facts in ranks:
        # W and b in one MpiAllreduce op; each of the 50 steps runs it once
        assert ["MpiAllreduce", 2] in facts[f"{optimizer}_collectives"]
        assert [c for c in facts[f"{optimizer}_collectives"] if c[0] == "MpiAllreduce"] == [
            ["MpiAllreduce", 2]]
        assert facts[f"{optimizer}_allreduce_calls"] == programs.STEPS


def test_broadcast_makes_workers_from_different_seeds_identical(two_workers):
    _, ((a0, _), (a1, _)) = two_workers
    assert not np.allclose(a0["before"], a1["before"])
    np.testing.assert_array_equal(a0["after"], a0["before"])
    np.testing.assert_array_equal(a1["after"], a0["before"])
    assert int(a0["counter"]) == int(a1["counter"]) == 0  # int variables too


def test_sum_loss_gradient_averages_to_one_over_size_of_the_whole_batch(two_workers):
    _, ranks = two_workers
    for arrays, _ in ranks:
        np.testing.assert_allclose(arrays["sum_averaged"], arrays["sum_full"] / 2, rtol=RTOL)


def test_only_rank_0_writes_event_files_and_checkpoints(two_workers):
    out, _ = two_workers
    assert len(os.listdir(out / "logs0")) == 1
    assert not os.path.exists(out / "logs1")
    assert sorted(os.listdir(out / "ckpt0")) == ["checkpoint", "model.ckpt-25.safetensors"]
    assert os.listdir(out / "ckpt1") == []
    assert len(os.listdir(out / "all0")) == len(os.listdir(out / "all1")) == 1  # all_ranks=True


def test_checkpoint_of_two_workers_resumes_on_one(two_workers):
    out, _ = two_workers
    (W, b), _ = programs.train("adam")
    (Wr, br), _ = programs.train("adam", start=25, restore=str(out / "ckpt0" / "model.ckpt-25"))
    np.testing.assert_allclose(Wr, W, rtol=RTOL, atol=0)
    np.testing.assert_allclose(br, b, rtol=RTOL, atol=0)


def test_checkpoint_of_one_worker_resumes_on_two(two_workers):
    _, ranks = two_workers
    (W, b), _ = programs.train("adam")
    for arrays, _ in ranks:
        np.testing.assert_allclose(arrays["resumed_W"], W, rtol=RTOL, atol=0)
        np.testing.assert_allclose(arrays["resumed_b"], b, rtol=RTOL, atol=0)


def test_a_worker_raising_ends_the_job_with_its_error(tmp_path):
    done, seconds = launch(2, "failing", tmp_path, timeout=60)
    assert seconds < 30
    assert done.returncode != 0
    assert "RuntimeError: worker 1 failed on purpose" in done.stderr
    assert "worker 1 of 2 raised RuntimeError" in done.stderr


@pytest.mark.parametrize("launcher", ["launch -n 1", "none"])
def test_a_one_process_program_runs_with_launch_n_1_and_without_launcher(tmp_path, launcher):
    if launcher == "none":
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMPI_", "PMI"))}
        done = subprocess.run([sys.executable, PROGRAMS, "single", str(tmp_path)],
                              capture_output=True, text=True, timeout=60, env=env,
                              check=False)
    else:
        done, _ = launch(1, "single", tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads((tmp_path / "single.json").read_text())
    assert facts == {"size": 1, "rank": 0, "collectives": [["MpiBroadcast", 9]]}
    (W, _), _ = programs.train("adam")
    np.testing.assert_array_equal(np.load(tmp_path / "single.npz")["W"], W)


def test_the_example_trains_on_two_workers_and_logs_from_rank_0(tmp_path):
    example = os.path.join(os.path.dirname(os.path.dirname(PROGRAMS)), "examples",
                           "distributed_logistic_regression.py")
    done = subprocess.run([*FLOWGRAD, "launch", "-n", "2", "--", "python", example, "--examples",
                           "20000", "--batch-size", "200", "--out", str(tmp_path), "--json",
                           str(tmp_path / "figures.json")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 worker(s): 20000 examples in" in done.stdout
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert figures["workers"] == 2 and figures["steps"] == 100
    assert figures["accuracy"] > 0.9 and figures["examples_per_second"] > 0
    assert len(os.listdir(tmp_path / "logs")) == 1
