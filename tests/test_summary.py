"""Summary ops (tags, values, merging), graph export and FileWriter, read back with TensorBoard's
own reader (EventAccumulator) and a strict frame parser."""

import glob
import io
import os
import pathlib
import struct
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2

import flowgrad as tf
from flowgrad.errors import FlowgradWarning, InvalidArgumentError
from flowgrad.summary import writer as writer_module

ALL = {k: 0 for k in ("scalars", "histograms", "images", "tensors", "compressedHistograms",
                      "audio")}


def run(fetch, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetch, feed)


def parse(serialized):
    return summary_pb2.Summary.FromString(serialized)


def read_frames(path):
    """Events of a file, checking both CRCs of every record (fails on any corruption)."""
    data = pathlib.Path(path).read_bytes()
    events, pos = [], 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[pos + 8:pos + 12])[0] == writer_module.masked_crc32c(header)
        body = data[pos + 12:pos + 12 + length]
        assert struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])[0] == \
            writer_module.masked_crc32c(body)
        events.append(event_pb2.Event.FromString(body))
        pos += 16 + length
    return events


def only_file(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return path


def accumulate(logdir):
    acc = EventAccumulator(str(logdir), size_guidance=ALL)
    acc.Reload()
    return acc


# summary ops


def test_scalar_tag_takes_the_name_scope_and_is_uniquified():
    loss = tf.constant(2.5)
    with tf.name_scope("summaries"):
        first = tf.summary.scalar("loss", loss)
        second = tf.summary.scalar("loss", loss)
    assert first.op.type == "ScalarSummary" and first.dtype == tf.string and first.shape == ()
    assert first.op.name == "summaries/loss" and second.op.name == "summaries/loss_1"
    assert first.op.inputs[0].op.name == "summaries/loss/tags"
    assert first.op.inputs[1] is loss
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [first, second]
    merged = run([first, second])
    assert [parse(m).value[0].tag for m in merged] == ["summaries/loss", "summaries/loss_1"]


def test_a_summary_run_returns_serialized_summary_bytes():
    x = tf.placeholder(tf.float32, [], name="input")
    out = run(tf.summary.scalar("x", x * 2.0), {x: 1.25})
    assert type(out) is bytes
    (value,) = parse(out).value
    assert value.tag == "x" and value.simple_value == 2.5


def test_invalid_tag_characters_and_family():
    with tf.name_scope("outer"):
        s = tf.summary.scalar("bad name!", 1.0)
        f = tf.summary.scalar("acc", 0.5, family="train")
    assert s.op.name == "outer/bad_name_"
    assert parse(run(s)).value[0].tag == "outer/bad_name_"
    assert f.op.name == "outer/train/acc"
    assert parse(run(f)).value[0].tag == "train/outer/train/acc"  # TF1's family tag


def test_collections_and_merge_all_by_key():
    a = tf.summary.scalar("a", 1.0, collections=[])
    b = tf.summary.scalar("b", 2.0, collections=["test"])
    assert tf.summary.merge_all() is None
    assert tf.get_collection("test") == [b] and a not in tf.get_collection("test")
    merged = tf.summary.merge_all(key="test")
    assert merged.op.type == "MergeSummary" and merged.op.name == "Merge/MergeSummary"
    assert [v.tag for v in parse(run(merged)).value] == ["b"]


def test_merge_unions_values_in_order():
    with tf.name_scope("summaries"):
        s = [tf.summary.scalar("loss", 1.0), tf.summary.scalar("acc", 0.75),
             tf.summary.histogram("w", tf.constant([1.0, 2.0]))]
    merged = tf.summary.merge_all()
    assert list(merged.op.inputs) == s
    values = parse(run(merged)).value
    assert [v.tag for v in values] == ["summaries/loss", "summaries/acc", "summaries/w"]
    assert values[1].simple_value == 0.75 and values[2].histo.num == 2


def test_merge_with_a_duplicate_tag_fails_at_run_time():
    s = tf.summary.scalar("loss", 1.0)
    merged = tf.summary.merge([s, s])
    with pytest.raises(InvalidArgumentError, match="Duplicate tag loss found in summary inputs"):
        run(merged)


def test_scalar_of_a_tensor_is_a_build_time_shape_error():
    with pytest.raises(ValueError, match=r"ScalarSummary 'loss'.*same shape.*\(3,\)"):
        tf.summary.scalar("loss", tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="real number tensor, got string"):
        tf.summary.scalar("loss", tf.constant("x"))


def test_scalar_of_an_unknown_shape_checks_at_run_time():
    x = tf.placeholder(tf.float32, None)
    with pytest.raises(InvalidArgumentError, match=r"tags and values not the same shape: \[\] != \[2\]"):
        run(tf.summary.scalar("x", x), {x: [1.0, 2.0]})


def tf1_histogram(values):
    """TF1's Histogram (core/lib/histogram): buckets, then runs of empty ones collapsed."""
    positive, v = [], 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(sys.float_info.max)
    limits = [-x for x in reversed(positive)] + [0.0] + positive
    counts = [0.0] * len(limits)
    for x in values:
        counts[int(np.searchsorted(limits, x, side="right"))] += 1
    out_limits, out_counts, i = [], [], 0
    while i < len(counts):
        end, count, j = limits[i], counts[i], i + 1
        while count <= 0 and j < len(counts) and counts[j] <= 0:
            end, count, j = limits[j], counts[j], j + 1
        out_limits.append(end)
        out_counts.append(count)
        i = j
    return out_limits, out_counts


@pytest.mark.parametrize("values", [
    np.array([0.5, -0.5, 0.0, 3.0, 3.0, 1e-13, -1e30, 1e-12], np.float32),
    np.random.default_rng(0).standard_normal((40, 30)),
    np.arange(6, dtype=np.int32).reshape(2, 3),
    np.zeros((0, 3), np.float32),
])
def test_histogram_matches_tf1_buckets(values):
    h = tf.summary.histogram("w", tf.constant(values))
    assert h.op.type == "HistogramSummary" and h.op.inputs[0].op.name == "w/tag"
    histo = parse(run(h)).value[0].histo
    flat = values.astype(np.float64).ravel()
    limits, counts = tf1_histogram(flat)
    assert list(histo.bucket_limit) == limits and list(histo.bucket) == counts
    assert histo.num == flat.size
    if flat.size:
        assert (histo.min, histo.max) == (flat.min(), flat.max())
        assert histo.sum == pytest.approx(flat.sum()) and histo.sum_squares == pytest.approx(
            (flat ** 2).sum())


def test_histogram_of_nan_fails_naming_the_tag():
    x = tf.placeholder(tf.float32, [2])
    with tf.name_scope("layer"):
        h = tf.summary.histogram("weights", x)
    with pytest.raises(InvalidArgumentError, match="Nan in summary histogram for: layer/weights"):
        run(h, {x: [1.0, np.inf]})


def decode_png(data):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)))


def test_image_uint8_is_stored_as_png_unchanged():
    images = np.random.default_rng(1).integers(0, 256, (4, 5, 6, 3)).astype(np.uint8)
    with tf.name_scope("input"):
        s = tf.summary.image("digits", tf.constant(images), max_outputs=2)
    assert s.op.type == "ImageSummary" and s.op.attrs["max_images"] == 2
    values = parse(run(s)).value
    assert [v.tag for v in values] == ["input/digits/image/0", "input/digits/image/1"]
    for value, want in zip(values, images):
        assert (value.image.height, value.image.width, value.image.colorspace) == (5, 6, 3)
        np.testing.assert_array_equal(decode_png(value.image.encoded_image_string), want)


def test_image_floats_are_rescaled_as_tf1_does():
    positive = np.array([[[[0.0], [0.5]], [[1.0], [2.0]]]], np.float32)
    signed = np.array([[[[-2.0], [0.0]], [[1.0], [np.nan]]]], np.float32)
    (p,) = parse(run(tf.summary.image("p", tf.constant(positive), max_outputs=1))).value
    assert p.tag == "p/image"
    np.testing.assert_array_equal(decode_png(p.image.encoded_image_string),
                                  [[0, 63], [127, 255]])
    (s,) = parse(run(tf.summary.image("s", tf.constant(signed)))).value
    # [-2, 2] maps onto 128 +- 127 (truncated); the NaN pixel takes bad_color (red: 255)
    np.testing.assert_array_equal(decode_png(s.image.encoded_image_string), [[1, 128], [191, 255]])


def test_image_needs_nhwc_with_1_3_or_4_channels():
    with pytest.raises(ValueError, match="4-D"):
        tf.summary.image("x", tf.zeros([2, 3, 3]))
    with pytest.raises(ValueError, match="1, 3 or 4 channels, got 2"):
        tf.summary.image("x", tf.zeros([1, 3, 3, 2]))


def test_text_summary_is_a_string_tensor_for_the_text_plugin():
    with tf.name_scope("notes"):
        t = tf.summary.text("readme", tf.constant(["**bold**", "é"]))
    assert t.op.type == "TensorSummaryV2" and t.op.name == "notes/readme"
    (value,) = parse(run(t)).value
    assert value.tag == "notes/readme" and value.metadata.plugin_data.plugin_name == "text"
    assert list(value.tensor.string_val) == [b"**bold**", "é".encode()]
    assert [d.size for d in value.tensor.tensor_shape.dim] == [2]
    with pytest.raises(ValueError, match="to have dtype string, got float32"):
        tf.summary.text("x", tf.constant(1.0))


def test_tensor_summary_keeps_numbers():
    t = tf.summary.tensor_summary("t", tf.constant([[1, 2], [3, 4]]), summary_description="d")
    (value,) = parse(run(t)).value
    assert value.metadata.summary_description == "d"
    content = np.frombuffer(value.tensor.tensor_content, "<i4").reshape(2, 2)
    np.testing.assert_array_equal(content, [[1, 2], [3, 4]])


# graph export


def node_map(graph_def):
    return {n.name: n for n in graph_def.node}


def test_graph_def_has_tf1_types_inputs_and_attrs():
    from flowgrad.summary.graph_def import as_graph_def

    x = tf.placeholder(tf.float32, [None, 3], name="x")
    W = tf.Variable(np.ones((3, 2), np.float32), name="W")
    parts = tf.unstack(tf.constant([[1.0, 2.0], [3.0, 4.0]]), name="parts")
    with tf.control_dependencies([W.initializer]):
        y = tf.matmul(x, W, name="y")
    y = y + parts[1]
    nodes = node_map(as_graph_def(tf.get_default_graph()))
    assert nodes["x"].op == "Placeholder" and nodes["W"].op == "VariableV2"
    assert nodes["y"].op == "MatMul"
    assert list(nodes["y"].input) == ["x", "W/read", "^W/Assign"]
    add = nodes[y.op.name]
    assert list(add.input) == ["y", "parts:1"] and add.op == "AddV2"
    assert nodes["x"].attr["dtype"].type == 1 and add.attr["T"].type == 1
    shape = nodes["x"].attr["shape"].shape
    assert [d.size for d in shape.dim] == [-1, 3] and not shape.unknown_rank
    (out,) = nodes["y"].attr["_output_shapes"].list.shape
    assert [d.size for d in out.dim] == [-1, 2]
    assert len(nodes["parts"].attr["_output_shapes"].list.shape) == 2
    value = nodes["W/initial_value"].attr["value"].tensor
    assert value.dtype == 1 and [d.size for d in value.tensor_shape.dim] == [3, 2]
    np.testing.assert_array_equal(np.frombuffer(value.tensor_content, "<f4"), np.ones(6))


def test_graph_def_unknown_rank_and_large_constants():
    from flowgrad.summary.graph_def import MAX_CONST_BYTES, as_graph_def

    tf.placeholder(tf.float32, None, name="anything")
    tf.constant(np.zeros(MAX_CONST_BYTES // 8 + 1), name="big")
    tf.constant("tag", name="s")
    nodes = node_map(as_graph_def(tf.get_default_graph()))
    assert nodes["anything"].attr["shape"].shape.unknown_rank
    big = nodes["big"].attr["value"].tensor
    assert big.dtype == 2 and not big.tensor_content and big.tensor_shape.dim[0].size > 0
    assert list(nodes["s"].attr["value"].tensor.string_val) == [b"tag"]


def test_gradient_names_survive_export_and_read_back(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.name_scope("weights"):
        W = tf.Variable(np.ones((2, 1), np.float32), name="W")
    with tf.name_scope("loss"):
        loss = tf.reduce_sum(tf.square(tf.matmul(x, W)))
    with tf.name_scope("optim"):
        (grad,) = tf.gradients(loss, [W])
        tf.group(tf.assign_sub(W, grad), name="Adam")
    with tf.summary.FileWriter(tmp_path, tf.get_default_graph()):
        pass
    nodes = node_map(accumulate(tmp_path).Graph())
    assert nodes["optim/Adam"].op == "NoOp"
    assert any(n.startswith("optim/gradients/") for n in nodes)
    assert nodes["weights/W"].op == "VariableV2" and nodes[grad.op.name].op == grad.op.type


# FileWriter


def test_event_file_name_and_first_event(tmp_path):
    with tf.summary.FileWriter(tmp_path / "run", filename_suffix=".v2") as writer:
        assert writer.get_logdir() == str(tmp_path / "run")
    path = only_file(tmp_path / "run")
    name = os.path.basename(path)
    assert name.startswith("events.out.tfevents.") and name.endswith(".v2")
    assert int(name.split(".")[3]) == pytest.approx(time.time(), abs=60)
    (first,) = read_frames(path)
    assert first.file_version == "brain.Event:2" and first.wall_time > 0


def test_framing_equals_tensorboards_record_writer(tmp_path):
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
    from tensorboard.summary.writer.record_writer import RecordWriter

    rng = np.random.default_rng(2)
    for size in (0, 1, 100, 70_000):
        data = rng.integers(0, 256, size).astype(np.uint8).tobytes()
        buffer = io.BytesIO()
        RecordWriter(buffer).write(data)
        assert writer_module.frame(data) == buffer.getvalue()
        assert writer_module.masked_crc32c(data) == masked_crc32c(data)


def test_round_trip_through_event_accumulator(tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    mean = tf.reduce_mean(x)
    with tf.name_scope("summaries"):
        tf.summary.scalar("mean", mean)
        tf.summary.histogram("x", x)
        tf.summary.text("note", tf.constant("hi"))
    merged = tf.summary.merge_all()
    steps, rng = 30, np.random.default_rng(3)
    data = [rng.standard_normal(20).astype(np.float32) for _ in range(steps)]
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(tmp_path, sess.graph)
        before = time.time()
        for step, batch in enumerate(data):
            writer.add_summary(sess.run(merged, {x: batch}), global_step=step * 10)
        writer.close()
    acc = accumulate(tmp_path)
    tags = acc.Tags()
    assert tags["scalars"] == ["summaries/mean"] and tags["histograms"] == ["summaries/x"]
    assert tags["tensors"] == ["summaries/note"] and tags["graph"]
    scalars = acc.Scalars("summaries/mean")
    assert [e.step for e in scalars] == list(range(0, 300, 10))
    np.testing.assert_allclose([e.value for e in scalars], [d.mean() for d in data], rtol=1e-6)
    assert all(before <= e.wall_time <= time.time() for e in scalars)
    histos = acc.Histograms("summaries/x")
    assert len(histos) == steps and histos[4].step == 40
    limits, counts = tf1_histogram(data[4].astype(np.float64))
    assert list(histos[4].histogram_value.bucket_limit) == limits
    assert list(histos[4].histogram_value.bucket) == counts
    assert acc.Tensors("summaries/note")[0].tensor_proto.string_val == [b"hi"]
    nodes = node_map(acc.Graph())
    assert nodes["summaries/mean"].op == "ScalarSummary"
    assert nodes["Merge/MergeSummary"].op == "MergeSummary"
    # plugin metadata is written with a tag's first value only, as TF1 does
    events = [e for e in read_frames(only_file(tmp_path)) if e.HasField("summary")]
    notes = [v for e in events for v in e.summary.value if v.tag == "summaries/note"]
    assert notes[0].HasField("metadata") and not any(v.HasField("metadata") for v in notes[1:])


def test_events_wait_for_max_queue_or_flush(tmp_path):
    writer = tf.summary.FileWriter(tmp_path, max_queue=5, flush_secs=3600)
    path = only_file(tmp_path)
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="a", simple_value=1.0)])
    for step in range(4):
        writer.add_summary(summary, step)
    assert len(read_frames(path)) == 1
    writer.add_summary(summary, 4)
    assert len(read_frames(path)) == 6
    writer.add_summary(summary.SerializeToString(), 5)
    writer.flush()
    assert [e.step for e in read_frames(path)][1:] == [0, 1, 2, 3, 4, 5]
    writer.close()


def test_flush_secs_writes_pending_events_in_the_background(tmp_path):
    writer = tf.summary.FileWriter(tmp_path, max_queue=100, flush_secs=0.05)
    writer.add_summary(summary_pb2.Summary(), 7)
    deadline = time.time() + 10
    while len(read_frames(only_file(tmp_path))) < 2 and time.time() < deadline:
        time.sleep(0.02)
    assert read_frames(only_file(tmp_path))[-1].step == 7
    writer.close()


def test_add_summary_accepts_bytes_proto_and_numpy_object_scalars(tmp_path):
    s = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="a", simple_value=2.0)])
    with tf.summary.FileWriter(tmp_path) as writer:
        writer.add_summary(s, 1)
        writer.add_summary(s.SerializeToString(), np.int64(2))
        writer.add_summary(np.array(s.SerializeToString(), dtype=object), 3)
        with pytest.raises(TypeError, match="run it first"):
            writer.add_summary(tf.summary.scalar("a", 1.0), 4)
    assert [e.step for e in accumulate(tmp_path).Scalars("a")] == [1, 2, 3]


def test_close_reopen_and_context_manager(tmp_path):
    writer = tf.summary.FileWriter(tmp_path)
    writer.close()
    writer.close()  # twice is fine
    with pytest.raises(RuntimeError, match="closed: call reopen"):
        writer.add_summary(summary_pb2.Summary(), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reopening one's own run does not warn
        writer.reopen()
    writer.add_event(event_pb2.Event(step=3, wall_time=1.0))
    writer.reopen()  # open: does nothing
    writer.close()
    files = sorted(glob.glob(str(tmp_path / "events.out.tfevents.*")))
    assert len(files) == 2
    assert [e.step for e in read_frames(files[1])] == [0, 3]


def test_writer_warns_when_the_folder_holds_another_run(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.summary.FileWriter(tmp_path / "run").close()
    with pytest.warns(FlowgradWarning, match=r"already holds 1 event file\(s\) of another run") as w:
        tf.summary.FileWriter(tmp_path / "run").close()
    assert w[0].filename == __file__


def test_add_graph_writes_a_graph_event_at_a_step(tmp_path):
    tf.constant(1.0, name="c")
    with tf.summary.FileWriter(tmp_path) as writer:
        writer.add_graph(tf.get_default_graph(), global_step=5)
        with pytest.raises(ValueError, match="not both"):
            writer.add_graph(tf.get_default_graph(), graph_def=graph_pb2.GraphDef())
    (event,) = [e for e in read_frames(only_file(tmp_path)) if e.graph_def]
    assert event.step == 5
    assert [n.name for n in graph_pb2.GraphDef.FromString(event.graph_def).node] == ["c"]


def test_public_aliases():
    assert tf.train.FileWriter is tf.summary.FileWriter
    assert tf.summary.Summary is summary_pb2.Summary and tf.summary.Event is event_pb2.Event


def test_import_flowgrad_does_not_import_tensorboard():
    code = ("import sys, flowgrad as tf; tf.summary.scalar('a', 1.0); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tensorboard'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_summary_iterator_reads_back_the_events(tmp_path):
    loss = tf.placeholder(tf.float32, [], name="value")
    summary = tf.summary.scalar("loss", loss)
    writer = tf.summary.FileWriter(str(tmp_path))
    with tf.Session() as sess:
        for step in range(3):
            writer.add_summary(sess.run(summary, {loss: step / 2}), step)
    writer.close()
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    events = list(tf.train.summary_iterator(path))
    assert events[0].file_version == "brain.Event:2"
    values = [(e.step, v.tag, v.simple_value) for e in events for v in e.summary.value]
    assert values == [(0, "loss", 0.0), (1, "loss", 0.5), (2, "loss", 1.0)]
    data = pathlib.Path(path).read_bytes()
    pathlib.Path(path).write_bytes(data[:-3])
    with pytest.raises(tf.errors.DataLossError, match="truncated or corrupted record"):
        list(tf.train.summary_iterator(path))
    with pytest.raises(tf.errors.NotFoundError):
        next(tf.train.summary_iterator(str(tmp_path / "missing")))


def test_run_metadata_as_the_tensorboard_tutorial_records_it(tmp_path):
    x = tf.placeholder(tf.float32, [], name="x")
    y = x * 2.0
    run_options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    run_metadata = tf.RunMetadata()
    writer = tf.summary.FileWriter(str(tmp_path))
    with tf.Session() as sess:
        assert sess.run(y, {x: 1.5}, options=run_options, run_metadata=run_metadata) == 3.0
    writer.add_run_metadata(run_metadata, "step099", global_step=99)
    with pytest.raises(ValueError, match="already used"):
        writer.add_run_metadata(run_metadata, "step099")
    writer.close()
    accumulator = EventAccumulator(str(tmp_path))
    accumulator.Reload()
    assert accumulator.Tags()["run_metadata"] == ["step099"]
    assert tf.RunOptions.FULL_TRACE == 3 and tf.RunOptions.NO_TRACE == 0
