"""Saves killed with SIGKILL at random moments, and at every file-system step of a save: each
time, the state file names a complete checkpoint holding exactly what its step saved.

A child process imports flowgrad once and forks once per save, so each kill costs milliseconds.
`make test` runs FLOWGRAD_STRESS_KILLS=30 random kills by default; `make stress` runs 200."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

KILLS = int(os.environ.get("FLOWGRAD_STRESS_KILLS", "30"))

CHILD = textwrap.dedent("""
    import json, os, random, signal, statistics, sys, time
    import numpy as np
    import flowgrad as tf

    folder, kills, seed, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    shapes = {"layer/W": ((256, 512), np.float64), "layer/b": ((7,), np.float32),
              "flags": ((5,), np.bool_), "count": ((), np.int64)}

    def expected(step):
        rng = np.random.RandomState(step)
        return {name: np.asarray(rng.rand(*shape) * 100).astype(dtype) for name, (shape, dtype)
                in shapes.items()}

    variables = {name: tf.Variable(value, name=name) for name, value in expected(0).items()}
    saver = tf.train.Saver(max_to_keep=3)
    prefix = os.path.join(folder, "model.ckpt")
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, prefix, global_step=0)  # from here on there is always a latest checkpoint

    def forked_save(step, delay=None, crash_at=None):
        for name, value in expected(step).items():
            variables[name].load(value, sess)
        pid = os.fork()
        if pid == 0:
            if crash_at is not None:
                crash_before(crash_at)
            try:
                saver.save(sess, prefix, global_step=step)
            finally:
                os._exit(0)
        if delay is not None:
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]

    def crash_before(n):
        # the save's file-system steps: fsync, rename, unlink; die just before the n-th one
        count = [0]
        for fname in ("fsync", "replace", "unlink"):
            real = getattr(os, fname)
            def step(*args, real=real):
                count[0] += 1
                if count[0] == n:
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(*args)
            setattr(os, fname, step)

    def phase(step, before):
        names = os.listdir(folder)
        new = set(names) - before
        if any(n.startswith(".checkpoint.tmp-") for n in new):
            return "writing state file"
        if any(n.startswith(f".model.ckpt-{step}.") for n in new):
            return "writing checkpoint file"
        state = tf.train.get_checkpoint_state(folder)
        if state.model_checkpoint_path == f"{prefix}-{step}":
            return "after state file"
        if f"model.ckpt-{step}.safetensors" in names:
            return "after checkpoint rename"
        return "before writing"

    def verify(step, previous):
        latest = tf.train.latest_checkpoint(folder)
        assert latest is not None, "latest_checkpoint went back to None"
        found = int(latest.rsplit("-", 1)[1])
        assert found in (previous, step), (found, previous, step)
        state = tf.train.get_checkpoint_state(folder)
        for listed in state.all_model_checkpoint_paths:
            assert tf.train.checkpoint_exists(listed), listed
        for var in variables.values():
            var.load(np.zeros(var.shape, var.dtype.as_numpy_dtype), sess)
        saver.restore(sess, latest)
        for name, value in expected(found).items():
            assert sess.run(variables[name]).tobytes() == value.tobytes(), (name, found)
        saver.recover_last_checkpoints(state.all_model_checkpoint_paths)  # the fork's view
        return found

    report = {"kills": 0, "finished_before_kill": 0, "phases": {}, "loadable": 0}
    latest, step = 0, 0
    if mode == "random":
        durations = []
        for _ in range(5):
            step += 1
            start = time.perf_counter()
            assert forked_save(step) == 0
            durations.append(time.perf_counter() - start)
            latest = verify(step, latest)
        window = statistics.median(durations)
        report["save_ms"] = round(window * 1000, 2)
        rnd = random.Random(seed)
        while report["kills"] < kills:
            step += 1
            before = set(os.listdir(folder))
            status = forked_save(step, delay=rnd.uniform(0, 1.2 * window))
            if os.WIFSIGNALED(status):
                report["kills"] += 1
                where = phase(step, before)
                report["phases"][where] = report["phases"].get(where, 0) + 1
            else:
                report["finished_before_kill"] += 1
            latest = verify(step, latest)
            report["loadable"] += 1
    else:
        n = 0
        while True:
            n += 1
            step += 1
            before = set(os.listdir(folder))
            status = forked_save(step, crash_at=n)
            latest = verify(step, latest)
            report["loadable"] += 1
            if not os.WIFSIGNALED(status):
                break
            report["kills"] += 1
            where = phase(step, before)
            report["phases"][where] = report["phases"].get(where, 0) + 1
    print(json.dumps(report))
""")


def run_child(folder, kills, mode):
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(kills), "1234", mode],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_random_kills_during_save_never_lose_the_latest_checkpoint(tmp_path, capsys):
    report = run_child(tmp_path, KILLS, "random")
    with capsys.disabled():
        print(
            f"\ncheckpoint kill test: {report['kills']} saves killed at random moments "
            f"(a save takes {report['save_ms']} ms; {report['finished_before_kill']} finished "
            f"before their kill), {report['loadable']}/{report['loadable']} times the latest "
            f"checkpoint loaded with its step's values; killed while: {report['phases']}"
        )
    assert report["kills"] >= KILLS
    assert report["loadable"] == report["kills"] + report["finished_before_kill"]
    # the kills must land inside saves, not only before or after them
    assert report["phases"].get("writing checkpoint file", 0) > 0


def test_a_kill_before_each_file_system_step_of_a_save(tmp_path, capsys):
    report = run_child(tmp_path, 0, "steps")
    with capsys.disabled():
        print(
            f"\ncheckpoint kill test: a save killed before each of its {report['kills']} "
            f"fsync/rename/unlink steps; the latest checkpoint loaded every time "
            f"({report['loadable']}/{report['loadable']}); killed while: {report['phases']}"
        )
    # fsync+rename+fsync(folder) for the file, the same for the state file, one old file deleted
    assert report["kills"] >= 7
    assert set(report["phases"]) >= {
        "writing checkpoint file",
        "writing state file",
        "after checkpoint rename",
        "after state file",
    }


@pytest.fixture(autouse=True)
def _posix_only():
    if not hasattr(os, "fork"):
        pytest.skip("needs os.fork")
