"""tf.train.Saver: round trips, the state file, max_to_keep, errors, resume-equals-continuous."""

import errno
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.train import checkpoint_format, checkpoint_management

DTYPES = [
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.bool_,
]


def special_values(dtype, shape, seed=0):
    """Values of `dtype` with its extremes and (for floats) NaN, +-inf, -0.0 and subnormals."""
    rng = np.random.RandomState(seed)
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    if dtype.kind == "b":
        flat = rng.rand(size) < 0.5
    elif dtype.kind == "f":
        info = np.finfo(dtype)
        specials = [
            np.nan,
            np.inf,
            -np.inf,
            -0.0,
            0.0,
            info.max,
            info.min,
            info.tiny,
            info.smallest_subnormal,
            -info.smallest_subnormal,
        ]
        flat = rng.randn(size).astype(dtype)
        flat[: min(size, len(specials))] = np.array(specials[:size], dtype)
        if size >= len(specials) + 1:  # a NaN with another payload: bits must survive too
            flat.view(f"u{dtype.itemsize}")[len(specials)] = (
                flat[:1].view(f"u{dtype.itemsize}")[0] | 1
            )
    else:
        info = np.iinfo(dtype)
        flat = rng.randint(info.min, int(info.max) + 1, size=size, dtype=dtype)
        flat[: min(size, 2)] = np.array([info.min, info.max], dtype)[: min(size, 2)]
    return flat.reshape(shape)


def bits(array):
    """The array's bytes, so that NaN payloads and -0.0 compare exactly."""
    return np.ascontiguousarray(array).tobytes(), np.asarray(array).dtype, np.shape(array)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_round_trip_every_dtype_bitwise(tmp_path, dtype):
    shapes = {"scalar": (), "empty": (0, 3), "vector": (13,), "cube": (2, 3, 4)}
    values = {
        name: special_values(dtype, shape, seed=i) for i, (name, shape) in enumerate(shapes.items())
    }
    variables = {name: tf.Variable(value, name=name) for name, value in values.items()}
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
        for name, var in variables.items():
            var.load(np.zeros_like(values[name]), sess)
        saver.restore(sess, prefix)
        for name, var in variables.items():
            assert bits(sess.run(var)) == bits(values[name]), name
    assert prefix == str(tmp_path / "model.ckpt")
    assert checkpoint_management.list_variables(prefix) == [
        (name, list(shape)) for name, shape in sorted(shapes.items())
    ]


def test_large_array_round_trip_spans_write_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint_format, "_CHUNK", 1 << 16)
    value = np.random.RandomState(1).randn(300, 1000).astype(np.float32)
    big = tf.Variable(value, name="big")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
        big.load(np.zeros_like(value), sess)
        saver.restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(big), value)
    assert os.path.getsize(prefix + ".safetensors") > value.nbytes


def test_save_writes_tf1_state_file_and_returns_prefix(tmp_path):
    tf.Variable(1.0, name="v")
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver()
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, base, global_step=1000) == base + "-1000"
        sess.run(step.assign(1001))
        assert saver.save(sess, base, global_step=step) == base + "-1001"
        assert saver.save(sess, base, global_step=step.value() + 1) == base + "-1002"
    lines = (tmp_path / "checkpoint").read_text().splitlines()
    assert lines[1:5] == [
        'model_checkpoint_path: "model.ckpt-1002"',
        'all_model_checkpoint_paths: "model.ckpt-1000"',
        'all_model_checkpoint_paths: "model.ckpt-1001"',
        'all_model_checkpoint_paths: "model.ckpt-1002"',
    ]
    assert lines[0].startswith("# flowgrad checkpoint state")
    assert lines[5].startswith("# flowgrad-sha256: ") and len(lines) == 6
    assert tf.train.latest_checkpoint(str(tmp_path)) == base + "-1002"
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == base + "-1002"
    assert state.all_model_checkpoint_paths == [base + "-1000", base + "-1001", base + "-1002"]
    assert tf.train.checkpoint_exists(base + "-1001")
    assert not tf.train.checkpoint_exists(base + "-999")
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint",
        "model.ckpt-1000.safetensors",
        "model.ckpt-1001.safetensors",
        "model.ckpt-1002.safetensors",
    ]


def test_relative_save_path_and_pad_step_number(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(pad_step_number=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, "run/model.ckpt", global_step=7)
    assert prefix == "run/model.ckpt-00000007"
    assert tf.train.latest_checkpoint("run") == prefix
    os.rename("run", "moved")  # the state file holds relative paths: a folder can move
    assert tf.train.latest_checkpoint("moved") == os.path.join("moved", "model.ckpt-00000007")


def test_max_to_keep_deletes_only_checkpoints_dropped_from_the_state_file(tmp_path):
    v = tf.Variable(0.0, name="v")
    saver = tf.train.Saver(max_to_keep=3)
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(7):
            v.load(float(step), sess)
            saver.save(sess, base, global_step=step)
        assert saver.last_checkpoints == [f"{base}-{s}" for s in (4, 5, 6)]
        v.load(55.0, sess)
        saver.save(sess, base, global_step=5)  # re-saving a kept prefix moves it last
        assert saver.last_checkpoints == [f"{base}-{s}" for s in (4, 6, 5)]
    kept = sorted(n for n in os.listdir(tmp_path) if n.endswith(".safetensors"))
    assert kept == [
        "model.ckpt-4.safetensors",
        "model.ckpt-5.safetensors",
        "model.ckpt-6.safetensors",
    ]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == [f"{base}-{s}" for s in (4, 6, 5)]
    assert tf.train.load_variable(str(tmp_path), "v") == 55.0


def test_max_to_keep_none_keeps_every_file(tmp_path):
    tf.Variable(0.0, name="v")
    saver = tf.train.Saver(max_to_keep=None)
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(4):
            saver.save(sess, base, global_step=step)
    assert len([n for n in os.listdir(tmp_path) if n.endswith(".safetensors")]) == 4
    # as TF1: with max_to_keep None the state file lists the latest only
    assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == [base + "-3"]


def test_recover_last_checkpoints_lets_a_new_saver_prune_an_old_run(tmp_path):
    tf.Variable(0.0, name="v")
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = tf.train.Saver(max_to_keep=2)
        for step in range(2):
            first.save(sess, base, global_step=step)
        second = tf.train.Saver(max_to_keep=2)
        second.recover_last_checkpoints(
            tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths
        )
        second.save(sess, base, global_step=2)
    assert not tf.train.checkpoint_exists(base + "-0")
    assert second.last_checkpoints == [base + "-1", base + "-2"]


def test_var_list_dict_renames_and_list_restores_subset(tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(3, name="b")
    saver = tf.train.Saver({"renamed/a": a, "b": b})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(prefix) == [("b", []), ("renamed/a", [2])]
    tf.reset_default_graph()
    b2 = tf.Variable(0, name="b")
    other = tf.Variable(9.0, name="other")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver([b2]).restore(sess, prefix)
        assert sess.run([b2, other]) == [3, 9.0]


def test_checkpoint_reader_lists_and_reads_variables(tmp_path):
    tf.Variable([1.0, 2.0], name="a")
    step = tf.Variable(7, name="global_step", trainable=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {"a": [2], "global_step": []}
    assert reader.get_variable_to_dtype_map() == {"a": tf.float32, "global_step": tf.int32}
    assert reader.has_tensor("a") and not reader.has_tensor("b")
    np.testing.assert_array_equal(reader.get_tensor("a"), [1.0, 2.0])
    assert reader.debug_string() == b"a (float32) [2]\nglobal_step (int32) []\n"
    assert tf.train.load_checkpoint(str(tmp_path)).get_tensor("global_step") == 7
    with pytest.raises(tf.errors.NotFoundError, match="Key b not found in checkpoint"):
        reader.get_tensor("b")
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.NewCheckpointReader(str(tmp_path / "nothing"))


def test_saver_ops_are_named_as_tf1(tmp_path):
    tf.Variable(1.0, name="w")
    tf.Variable(2.0, name="b")
    tf.train.Saver()
    tf.train.Saver()
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert {"save/Assign", "save/Assign_1", "save/restore_all", "save_1/restore_all"} <= set(names)
    assert tf.get_default_graph().get_operation_by_name("save/restore_all").type == "NoOp"


def test_optimizer_slots_and_global_step_are_saved_by_default():
    x = tf.Variable(np.ones(2), name="x")
    step = tf.train.get_or_create_global_step()
    tf.train.AdamOptimizer().minimize(tf.reduce_sum(x * x), global_step=step)
    saver = tf.train.Saver()
    assert set(saver._variables) == {
        "x",
        "x/Adam",
        "x/Adam_1",
        "beta1_power",
        "beta2_power",
        "global_step",
    }


def test_restore_names_a_missing_variable(tmp_path):
    tf.Variable(1.0, name="a")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    a = tf.Variable(5.0, name="a")
    tf.Variable(np.zeros((2, 3), np.float32), name="layer/W")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.NotFoundError) as info:
            saver.restore(sess, prefix)
        assert sess.run(a) == 5.0  # never a partial load
    message = str(info.value)
    assert "Key layer/W not found in checkpoint" in message
    assert "layer/W (float32, shape [2, 3])" in message
    assert "holds: a (float32, shape [])" in message


def test_restore_names_both_shapes_and_dtypes(tmp_path):
    tf.Variable(np.zeros((3, 4), np.float32), name="W")
    tf.Variable(np.zeros(2, np.float64), name="b")
    tf.Variable(1, name="n")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    W = tf.Variable(np.ones((4, 3), np.float32), name="W")
    tf.Variable(np.ones(2, np.float32), name="b")
    n = tf.Variable(7, name="n")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            saver.restore(sess, prefix)
        assert sess.run(n) == 7 and sess.run(W).sum() == 12  # nothing was assigned
    message = str(info.value)
    assert "nothing was restored" in message
    assert (
        "variable 'W' is float32, shape [4, 3] in the graph but float32, shape [3, 4] in "
        "the checkpoint"
    ) in message
    assert (
        "variable 'b' is float32, shape [2] in the graph but float64, shape [2] in the checkpoint"
    ) in message


def test_restore_of_a_missing_checkpoint_says_where_to_look(tmp_path):
    tf.Variable(1.0, name="a")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=3)
        with pytest.raises(tf.errors.NotFoundError, match="latest checkpoint is .*model.ckpt-3"):
            saver.restore(sess, str(tmp_path / "model.ckpt-2"))
        with pytest.raises(tf.errors.NotFoundError, match="is a folder: pass tf.train.latest"):
            saver.restore(sess, str(tmp_path))
        with pytest.raises(tf.errors.NotFoundError, match="without '.safetensors'"):
            saver.restore(sess, prefix + ".safetensors")
        with pytest.raises(ValueError, match="save_path when it is None"):
            saver.restore(sess, None)
        # TF 1.15 raises ValueError here, earlier TF1 NotFoundError: both catch it
        with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: "
                                             ".*model.ckpt-9. Failed to find any matching"):
            saver.restore(sess, str(tmp_path / "model.ckpt-9"))


def test_construction_and_save_errors(tmp_path):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    empty = tf.train.Saver(allow_empty=True)
    with tf.Session() as sess:
        assert empty.save(sess, str(tmp_path / "m")) is None
        empty.restore(sess, str(tmp_path / "m"))
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="At least two variables have the same name: v"):
        tf.train.Saver([v, v])
    with pytest.raises(TypeError, match="dict or a list"):
        tf.train.Saver(v)
    with pytest.raises(TypeError, match="dtype string"):
        tf.train.Saver([tf.Variable("text", name="s")])
    saver = tf.train.Saver([v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(ValueError, match="Parent directory of .* doesn't exist"):
            saver.save(sess, str(tmp_path / "missing" / "model.ckpt"))
        with pytest.raises(ValueError, match="path components"):
            saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError):
        saver.save(sess, str(tmp_path / "m"))  # uninitialized, as in TF1
    assert os.listdir(tmp_path) == []


def test_a_full_disk_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    base = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, base, global_step=1)
        v.load(2.0, sess)
        real_fsync = os.fsync

        def full(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(tf.errors.ResourceExhaustedError, match="model.ckpt-2 failed.*No space"):
            saver.save(sess, base, global_step=2)
        monkeypatch.setattr(os, "fsync", real_fsync)
    assert tf.train.latest_checkpoint(str(tmp_path)) == base + "-1"
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.ckpt-1.safetensors"]
    assert tf.train.load_variable(base + "-1", "v") == 1.0


def test_stale_temporary_files_of_dead_saves_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".model.ckpt-1.safetensors.tmp-{dead.stdout.strip()}-abcd"
    stale.write_bytes(b"half a checkpoint")
    live = tmp_path / f".checkpoint.tmp-{os.getppid()}-abcd"
    live.write_bytes(b"someone else's save in progress")
    tf.Variable(1.0, name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"), global_step=2)
    assert not stale.exists() and live.exists()


def test_state_file_written_by_hand_or_by_tensorflow_is_accepted(tmp_path):
    (tmp_path / "checkpoint").write_text(
        'model_checkpoint_path: "/abs/model.ckpt-9"\n'
        "all_model_checkpoint_paths: 'model.ckpt-8'\n"
        'all_model_checkpoint_paths: "/abs/model.ckpt-9"\n'
        "all_model_checkpoint_timestamps: 1700000000.5\n"
        "last_preserved_timestamp: 1699999999.25\n"
    )
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == "/abs/model.ckpt-9"
    assert state.all_model_checkpoint_paths == [str(tmp_path / "model.ckpt-8"), "/abs/model.ckpt-9"]
    with pytest.warns(tf.errors.FlowgradWarning, match="does not exist"):
        assert tf.train.latest_checkpoint(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path / "nowhere")) is None


@pytest.mark.parametrize("name", ['we"ird\\name ü', "tab\tand\nnewline"])
def test_state_file_paths_with_odd_characters_round_trip(tmp_path, name):
    checkpoint_management.update_checkpoint_state(str(tmp_path), str(tmp_path / name))
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / name)
    assert (tmp_path / "checkpoint").read_bytes().isascii()


def _rewrite_header(path, change):
    """Rewrites a checkpoint's JSON header with `change` and a correct checksum (a crafted file)."""
    import hashlib
    import json

    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    change(header)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    out = bytearray(len(text).to_bytes(8, "little") + text + raw[8 + size :])
    at = checkpoint_format._SUM_AT
    out[at : at + 64] = b"0" * 64
    out[at : at + 64] = hashlib.sha256(out).hexdigest().encode()
    path.write_bytes(bytes(out))


def test_newer_format_versions_and_crafted_headers_are_refused(tmp_path):
    tf.Variable(np.arange(4.0), name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
        path = tmp_path / "m.safetensors"
        _rewrite_header(path, lambda h: h["__metadata__"].update(format_version="2"))
        with pytest.raises(
            tf.errors.UnimplementedError, match="format version '2'.*reads version 1"
        ):
            saver.restore(sess, prefix)
        _rewrite_header(path, lambda h: h["__metadata__"].update(format_version="1"))
        saver.restore(sess, prefix)
        _rewrite_header(path, lambda h: h["v"].update(shape=[5]))
        with pytest.raises(tf.errors.DataLossError, match="shape \\[5\\] does not fit its bytes"):
            saver.restore(sess, prefix)
        _rewrite_header(path, lambda h: h["v"].update(shape=[4], dtype="C64"))
        with pytest.raises(tf.errors.DataLossError, match="entry for 'v' is malformed"):
            saver.restore(sess, prefix)


def test_files_are_real_safetensors(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    value = special_values(np.float64, (3, 5))
    tf.Variable(value, name="layer/W")
    tf.Variable(np.array([True, False]), name="flag")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    loaded = safetensors_numpy.load_file(prefix + ".safetensors")
    assert bits(loaded["layer/W"]) == bits(value)
    assert loaded["flag"].tolist() == [True, False]


RESUME = textwrap.dedent("""
    import os, sys
    import numpy as np
    import flowgrad as tf
    mode, folder, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.RandomState(0)
    x_np = rng.rand(64, 3)
    y_np = x_np @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    x = tf.placeholder(tf.float64, (None, 3), name="x")
    y = tf.placeholder(tf.float64, (None, 1), name="y")
    with tf.name_scope("weights"):
        W = tf.Variable(rng.randn(3, 1), name="W")
        b = tf.Variable(np.zeros(1), name="b")
    loss = tf.reduce_mean((tf.matmul(x, W) + b - y) ** 2)
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        if mode == "resumed":
            saver.restore(sess, tf.train.latest_checkpoint(os.path.join(folder, "first")))
        else:
            sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            start = int(sess.run(step)) % 4 * 16  # the batch depends on the restored step
            sess.run(train, {x: x_np[start:start + 16], y: y_np[start:start + 16]})
        os.makedirs(os.path.join(folder, mode))
        saver.save(sess, os.path.join(folder, mode, "model.ckpt"), global_step=step)
""")


def test_resume_in_a_fresh_process_equals_continuous_training_bitwise(tmp_path):
    steps = 15
    for mode, count in (("continuous", 2 * steps), ("first", steps), ("resumed", steps)):
        subprocess.run(
            [sys.executable, "-c", RESUME, mode, str(tmp_path), str(count)], check=True, timeout=120
        )
    continuous = tf.train.latest_checkpoint(str(tmp_path / "continuous"))
    resumed = tf.train.latest_checkpoint(str(tmp_path / "resumed"))
    assert continuous.endswith("model.ckpt-30") and resumed.endswith("model.ckpt-30")
    names = [name for name, _ in tf.train.list_variables(continuous)]
    assert names == [
        "beta1_power",
        "beta2_power",
        "global_step",
        "weights/W",
        "weights/W/Adam",
        "weights/W/Adam_1",
        "weights/b",
        "weights/b/Adam",
        "weights/b/Adam_1",
    ]
    assert [n for n, _ in tf.train.list_variables(resumed)] == names
    assert tf.train.load_variable(continuous, "weights/W").dtype == np.float64
    first = str(tmp_path / "first" / "model.ckpt-15")
    for name in names:
        value = tf.train.load_variable(continuous, name)
        assert bits(tf.train.load_variable(resumed, name)) == bits(value), name
        if name != "beta2_power":
            assert not np.array_equal(tf.train.load_variable(first, name), value), name
