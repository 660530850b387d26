"""Damaged and hostile checkpoint files: every single-byte flip and every truncation is detected
and reported, nothing is loaded from them, and a pickle payload never runs."""

import os
import pickle

import numpy as np
import pytest

import flowgrad as tf


def build_and_save(folder):
    """A small model saved twice; returns (saver, session, variables, original values, prefix)."""
    values = {
        "layer/W": np.random.RandomState(0).randn(4, 3),
        "layer/b": np.array([np.nan, -0.0, np.inf], np.float32),
        "flags": np.array([True, False, True]),
        "step": np.array(42, np.int64),
        "half": np.array([1.5, -2.25], np.float16),
    }
    variables = {name: tf.Variable(value, name=name) for name, value in values.items()}
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, os.path.join(folder, "model.ckpt"), global_step=1)
    prefix = saver.save(sess, os.path.join(folder, "model.ckpt"), global_step=2)
    return saver, sess, variables, values, prefix


def sentinel_values(sess, variables):
    """Sets every variable to a value no checkpoint holds; returns those values' bytes."""
    for var in variables.values():
        var.load(np.ones(var.shape, var.dtype.as_numpy_dtype), sess)
    return {name: sess.run(var).tobytes() for name, var in variables.items()}


def mutations(content: bytes, seed: int):
    """Every single-byte flip (a random non-zero XOR mask) and every truncation of `content`."""
    rng = np.random.RandomState(seed)
    for at in range(len(content)):
        flipped = bytearray(content)
        flipped[at] ^= int(rng.randint(1, 256))
        yield "flip", bytes(flipped)
    for length in range(len(content)):
        yield "truncation", content[:length]


def test_every_flip_and_truncation_of_a_checkpoint_file_is_detected(tmp_path, capsys):
    saver, sess, variables, values, prefix = build_and_save(str(tmp_path))
    path = prefix + ".safetensors"
    with open(path, "rb") as file:
        original = file.read()
    unchanged = sentinel_values(sess, variables)
    counts = {"flip": 0, "truncation": 0}
    for kind, damaged in mutations(original, seed=0):
        with open(path, "wb") as file:
            file.write(damaged)
        with pytest.raises(tf.errors.DataLossError, match="is corrupted"):
            saver.restore(sess, prefix)
        counts[kind] += 1
    for name, var in variables.items():  # nothing was loaded, not even partly
        assert sess.run(var).tobytes() == unchanged[name], name
    with open(path, "wb") as file:
        file.write(original)
    saver.restore(sess, prefix)
    for name, var in variables.items():
        assert sess.run(var).tobytes() == values[name].tobytes(), name
    total = counts["flip"] + counts["truncation"]
    with capsys.disabled():
        print(
            f"\ncheckpoint corruption test: {counts['flip']} single-byte flips and "
            f"{counts['truncation']} truncations of a {len(original)}-byte checkpoint file: "
            f"{total}/{total} detected as DataLossError, 0 loaded"
        )
    assert total >= 500


def test_every_flip_and_truncation_of_the_state_file_is_detected_or_harmless(tmp_path, capsys):
    sess = build_and_save(str(tmp_path))[1]
    sess.close()
    path = tmp_path / "checkpoint"
    original = path.read_bytes()
    expected = tf.train.get_checkpoint_state(str(tmp_path))
    detected = harmless = 0
    for _, damaged in mutations(original, seed=1):
        path.write_bytes(damaged)
        try:
            state = tf.train.get_checkpoint_state(str(tmp_path))
        except tf.errors.DataLossError as e:
            assert "model.ckpt-1, model.ckpt-2" in str(e)  # the message lists what is there
            detected += 1
            continue
        # accepted only where the lines a reader uses are intact: the flip or cut hit the
        # checksum comment itself, or the cut kept every line before it
        assert state == expected
        harmless += 1
    total = detected + harmless
    with capsys.disabled():
        print(
            f"\ncheckpoint state file test: {total} flips and truncations of a "
            f"{len(original)}-byte state file: {detected} detected as DataLossError, "
            f"{harmless} left every path intact (the checksum comment hit), 0 misread"
        )
    assert detected > 0.8 * total


class Payload:
    """Unpickling this creates the sentinel file: proof that code ran."""

    def __init__(self, sentinel):
        self.sentinel = sentinel

    def __reduce__(self):
        return (open, (self.sentinel, "w"))


def test_a_pickle_payload_where_a_checkpoint_or_the_state_file_points_never_runs(tmp_path):
    saver, sess, variables, _, prefix = build_and_save(str(tmp_path))
    sentinel = str(tmp_path / "payload-ran")
    payload = pickle.dumps(Payload(sentinel))
    pickle.loads(payload).close()  # the payload is live: unpickling it creates the sentinel
    assert os.path.exists(sentinel)
    os.unlink(sentinel)
    object_npy = tmp_path / "object.npy"
    np.save(object_npy, np.array([Payload(sentinel)], dtype=object), allow_pickle=True)
    hostile = {"pickle": payload, "npy with objects": object_npy.read_bytes()}
    unchanged = sentinel_values(sess, variables)
    state = (tmp_path / "checkpoint").read_bytes()
    refused = 0
    for contents in hostile.values():
        (tmp_path / "checkpoint").write_bytes(state)
        (tmp_path / "model.ckpt-2.safetensors").write_bytes(contents)
        for target in (prefix, prefix + ".npz", prefix + ".index", str(tmp_path / "model.ckpt-2")):
            if not target.endswith(".safetensors"):
                with open(target, "wb") as file:
                    file.write(contents)
        with pytest.raises(tf.errors.DataLossError, match="does not start with a flowgrad"):
            saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
        with pytest.raises(tf.errors.DataLossError):
            tf.train.list_variables(str(tmp_path))
        with pytest.raises(tf.errors.DataLossError):
            tf.train.load_variable(prefix, "layer/W")
        (tmp_path / "checkpoint").write_bytes(contents)
        with pytest.raises(tf.errors.DataLossError, match="state file .* is damaged"):
            tf.train.latest_checkpoint(str(tmp_path))
        with pytest.raises(tf.errors.DataLossError):
            tf.train.get_checkpoint_state(str(tmp_path))
        refused += 1
    assert refused == 2
    for name, var in variables.items():
        assert sess.run(var).tobytes() == unchanged[name], name
    assert not os.path.exists(sentinel)
