"""flowgrad.distributed without workers: the mpiexec command `flowgrad launch` builds, state
before init(), and `import flowgrad` staying free of mpi4py."""

import subprocess
import sys

import pytest

import flowgrad as tf
from flowgrad.distributed import launch, state
from flowgrad.errors import DTypeError


@pytest.fixture
def root(monkeypatch):
    monkeypatch.setattr(launch.os, "geteuid", lambda: 0)
    monkeypatch.setattr(launch, "cores", lambda: 2)


def test_open_mpi_as_root_gets_the_allow_variables(root):
    argv, env = launch.command("mpiexec", "openmpi", 2, ["prog", "--lr", "0.1"])
    assert argv == ["mpiexec", "-n", "2", "prog", "--lr", "0.1"]
    assert env == {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def test_open_mpi_oversubscribes_only_past_the_cores_without_a_hostfile(root):
    assert "--oversubscribe" not in launch.command("mpiexec", "openmpi", 2, ["p"])[0]
    assert launch.command("mpiexec", "openmpi", 3, ["p"])[0][:4] == [
        "mpiexec", "-n", "3", "--oversubscribe"]
    argv, _ = launch.command("mpiexec", "openmpi", 8, ["p"], hostfile="hosts")
    assert argv == ["mpiexec", "-n", "8", "--hostfile", "hosts", "p"]


def test_mpich_needs_nothing_and_takes_its_host_file_with_f(root):
    argv, env = launch.command("mpiexec", "mpich", 4, ["p"], hostfile="hosts", extra=["-v"])
    assert (argv, env) == (["mpiexec", "-n", "4", "-f", "hosts", "-v", "p"], {})


def test_python_is_this_python():
    argv, _ = launch.command("mpiexec", "mpich", 2, ["python", "train.py"])
    assert argv[-2:] == [sys.executable, "train.py"]


def test_the_mpiexec_beside_this_python_is_found_and_recognized():
    mpiexec = launch.find_mpiexec()
    if mpiexec is None:
        pytest.skip("no mpiexec installed")
    assert launch.flavor(mpiexec) in ("openmpi", "mpich")


def test_dry_run_prints_the_command():
    done = subprocess.run([sys.executable, "-m", "flowgrad.cli", "launch", "-n", "2",
                           "--dry-run", "--", "python", "train.py", "-n", "5"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"-n 2 {sys.executable} train.py -n 5")


def test_launch_without_a_program_says_what_to_give():
    done = subprocess.run([sys.executable, "-m", "flowgrad.cli", "launch", "-n", "2"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "give the program to run" in done.stderr


def test_import_flowgrad_does_not_import_mpi4py():
    code = ("import sys, flowgrad, flowgrad.distributed, flowgrad.summary.writer; "
            "print('mpi4py' in sys.modules, 'flowgrad.distributed' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_before_init_everyone_writes_and_rank_asks_for_init():
    assert not state.is_initialized() and state.should_write()
    import flowgrad.distributed as dist

    with pytest.raises(ValueError, match=r"flowgrad.distributed.init\(\) has not been called"):
        dist.rank()
    with pytest.raises(ValueError, match="init"):
        dist.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))


def test_allreduce_of_integers_must_sum(monkeypatch):
    monkeypatch.setattr(state, "_world", state.World(None, 0, 1, 0, 1))
    from flowgrad.distributed import allreduce

    with pytest.raises(DTypeError, match=r"MpiAllreduce 'MpiAllreduce'.*average=False"):
        allreduce(tf.constant([1, 2]))
    total = allreduce([tf.constant([1, 2]), tf.constant(2.0)], average=False)
    with tf.Session() as sess:
        assert [v.tolist() for v in sess.run(total)] == [[1, 2], 2.0]


def test_distributed_optimizer_wraps_optimizers_only(monkeypatch):
    monkeypatch.setattr(state, "_world", state.World(None, 0, 1, 0, 1))
    import flowgrad.distributed as dist

    with pytest.raises(TypeError, match="wraps a tf.train.Optimizer"):
        dist.DistributedOptimizer("adam")
    opt = dist.DistributedOptimizer(tf.train.AdamOptimizer(0.1))
    assert opt.get_name() == "DistributedAdamOptimizer"


def test_allreduce_gradient_is_the_allreduce_of_the_gradient(monkeypatch):
    monkeypatch.setattr(state, "_world", state.World(None, 0, 1, 0, 1))
    from flowgrad.distributed import allreduce

    x = tf.constant([1.0, 2.0], tf.float64)
    n = tf.constant(3, tf.int32)
    y, m = allreduce([x * x, n], average=False)
    (dx,) = tf.gradients(tf.reduce_sum(y * 5.0), [x])
    assert [op.type for op in tf.get_default_graph().get_operations()].count("MpiAllreduce") == 2
    with tf.Session() as sess:
        assert sess.run(dx).tolist() == [10.0, 20.0]
        assert sess.run(m) == 3
