"""Event files survive crashes: a killed writer leaves everything it flushed readable, a truncated
last record is skipped by TensorBoard's reader, and a program that never calls close() loses
nothing when it exits."""

import glob
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

ALL = {"scalars": 0, "histograms": 0, "tensors": 0}

PROGRAM = """
import os, signal, sys
import numpy as np
import flowgrad as tf

x = tf.placeholder(tf.float32, [None], name="x")
with tf.name_scope("summaries"):
    tf.summary.scalar("loss", tf.reduce_mean(x))
    tf.summary.histogram("x", x)
merged = tf.summary.merge_all()
sess = tf.Session()
writer = tf.summary.FileWriter(sys.argv[1], sess.graph, max_queue=1000, flush_secs=3600)
rng = np.random.default_rng(0)
for step in range({steps}):
    writer.add_summary(sess.run(merged, {{x: rng.standard_normal(50)}}), step)
{after}
"""


def run_program(logdir, steps, after):
    code = textwrap.dedent(PROGRAM).format(steps=steps, after=textwrap.dedent(after))
    return subprocess.run([sys.executable, "-c", code, str(logdir)], capture_output=True,
                          text=True, timeout=120, check=False)


def steps_of(logdir, tag="summaries/loss"):
    acc = EventAccumulator(str(logdir), size_guidance=ALL)
    acc.Reload()
    return [e.step for e in acc.Scalars(tag)]


def test_sigkill_after_flush_keeps_every_flushed_event(tmp_path):
    after = """
    writer.flush()
    for step in range(1000, 1005):  # queued, never flushed
        writer.add_summary(sess.run(merged, {x: rng.standard_normal(50)}), step)
    os.kill(os.getpid(), signal.SIGKILL)
    """
    result = run_program(tmp_path, 40, after)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert steps_of(tmp_path) == list(range(40))
    acc = EventAccumulator(str(tmp_path), size_guidance=ALL)
    acc.Reload()
    assert len(acc.Histograms("summaries/x")) == 40 and acc.Graph().node


@pytest.mark.parametrize("how", ["return", "sys.exit(0)", "raise SystemExit(3)",
                                 "raise RuntimeError('boom')"])
def test_exit_without_close_loses_nothing(tmp_path, how):
    after = f"""
    def main():
        {how}
    main()
    """
    result = run_program(tmp_path, 60, after)
    assert result.returncode in (0, 1, 3), result.stderr
    assert steps_of(tmp_path) == list(range(60))


def test_truncated_last_record_is_ignored(tmp_path):
    result = run_program(tmp_path / "full", 10, "writer.close()")
    assert result.returncode == 0, result.stderr
    (path,) = glob.glob(str(tmp_path / "full" / "events.out.tfevents.*"))
    with open(path, "rb") as f:
        data = f.read()
    starts, pos = [], 0  # where each record starts: [length u64][crc u32][data][crc u32]
    while pos < len(data):
        starts.append(pos)
        pos += 16 + int.from_bytes(data[pos:pos + 8], "little")
    last = starts[-1]
    for cut in (last + 4, last + 10, last + 20, len(data) - 2):
        folder = tmp_path / f"cut{cut}"
        folder.mkdir()
        with open(folder / os.path.basename(path), "wb") as f:
            f.write(data[:cut])
        assert steps_of(folder) == list(range(9))
