"""The loss-curve doctor: rules on known curves, reading every writer's event files, the command,
and the labelled corpus of real training runs (tests/fixtures/doctor, never retrained here)."""

import json
import math
import os

import numpy as np
import pytest

from flowgrad.cli import main
from flowgrad.doctor import Diagnosis, diagnose, least_squares_loss, read_scalars, select

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "doctor")
ALARMS = {"diverging", "nan"}  # never said of a healthy or converged run


def write_events(logdir, tag_values, tf2=False, start=0):
    """Event files by TensorBoard's own writer: simple_value (TF1, PyTorch) or tensors (TF2)."""
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.scalar import metadata
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
    from tensorboard.util import tensor_util

    writer = EventFileWriter(str(logdir))
    for tag, values in tag_values.items():
        for step, v in enumerate(values, start):
            if tf2:
                value = Summary.Value(tag=tag, metadata=metadata.create_summary_metadata("", ""),
                                      tensor=tensor_util.make_tensor_proto(np.float32(v)))
            else:
                value = Summary.Value(tag=tag, simple_value=float(v))
            writer.add_event(Event(wall_time=1.0 + step, step=step, summary=Summary(value=[value])))
    writer.close()
    return writer.get_logdir()


def decay(n=300, floor=0.1, tau=30.0):
    t = np.arange(n)
    return floor + np.exp(-t / tau)


def test_diagnose_returns_structured_findings():
    d = diagnose(np.arange(300), decay())
    assert isinstance(d, Diagnosis)
    assert d.label == "converged" and 0.5 <= d.confidence <= 1.0
    assert d.findings[0].advice and "plateau at" in d.findings[0].summary
    assert set(d.to_dict()) >= {"label", "confidence", "summary", "advice", "step", "evidence",
                                "findings", "stats"}
    assert d.stats["points"] == 300 and d.trend[0].size == d.trend[1].size


@pytest.mark.parametrize("values, label", [
    (1.0 / (1.0 + np.arange(300) / 100.0), "healthy"),
    (2.0 - 0.001 * np.arange(300), "lr_too_low"),
    (np.full(300, math.log(2.0)), "stuck"),
    (np.exp(0.05 * np.arange(300)), "diverging"),
])
def test_rules_on_clean_curves(values, label):
    assert diagnose(np.arange(values.size), values).label == label


def test_nan_is_located_and_explained():
    values = decay()
    values[200:] = np.nan
    d = diagnose(np.arange(300) * 10, values)
    assert d.label == "nan" and d.step == 2000 and d.confidence == 1.0
    assert "NaN at step 2000 with no blow-up" in d.findings[0].summary
    assert "check_numerics" in d.findings[0].advice
    blowup = np.exp(0.2 * np.arange(60))
    blowup[50] = np.inf
    d = diagnose(np.arange(60), blowup)
    assert d.label == "nan" and "Inf at step 50 after the loss grew" in d.findings[0].summary
    assert "learning rate" in d.findings[0].advice


def test_noisy_minibatch_loss_reports_its_noise_level():
    rng = np.random.default_rng(0)
    d = diagnose(np.arange(1000), decay(1000) * np.exp(rng.normal(0.0, 0.6, 1000)))
    assert d.label == "noisy" and 0.45 < d.stats["noise"] < 0.75
    assert "minibatch noise of about +-" in d.findings[0].summary
    assert "larger batch" in d.findings[0].advice


def test_overfitting_turn_step():
    t = np.arange(0, 1000, 10)
    train = 0.05 + np.exp(-t / 100.0)
    val = 0.3 + np.exp(-t / 100.0) + 0.0005 * np.maximum(t - 300, 0)
    d = diagnose(t, train, validation=(t, val))
    assert d.label == "overfitting" and 250 <= d.step <= 350
    assert "validation loss turned up at step" in d.findings[0].summary
    assert diagnose(t, train, validation=(t, 0.3 + np.exp(-t / 100.0))).label != "overfitting"


def test_least_squares_gap():
    rng = np.random.default_rng(1)
    x = rng.random((50, 2))
    y = x @ np.array([2.0, -1.0]) + 0.5 + rng.normal(scale=0.1, size=50)
    design = np.hstack([x, np.ones((50, 1))])
    exact = np.sum((design @ np.linalg.lstsq(design, y, rcond=None)[0] - y) ** 2)
    assert least_squares_loss(x, y) == pytest.approx(exact)
    mse = exact / 50
    at_optimum = mse + np.exp(-np.arange(200) / 10.0)
    d = diagnose(np.arange(200), at_optimum, data=(x, y))
    assert d.label == "converged" and abs(d.findings[0].evidence["lsq_gap"]) < 0.01
    d = diagnose(np.arange(200), 1.5 * mse + np.exp(-np.arange(200) / 10.0), data=(x, y))
    assert d.label == "lsq_gap" and d.findings[0].evidence["lsq_gap"] == pytest.approx(0.5, 0.01)
    assert "as a mean of squared errors" in d.findings[0].summary


def test_too_short():
    assert diagnose([0, 1, 2], [1.0, 0.5, 0.4]).label == "too_short"


def test_reader_reads_tf1_and_tf2_scalars_in_nested_runs(tmp_path):
    write_events(tmp_path / "a", {"loss": decay(50), "accuracy": np.linspace(0, 1, 50)})
    write_events(tmp_path / "group" / "b", {"train/loss": decay(40)}, tf2=True)
    series = {(s.run, s.tag): s for s in read_scalars(tmp_path)}
    assert set(series) == {("a", "loss"), ("a", "accuracy"), (os.path.join("group", "b"),
                                                               "train/loss")}
    np.testing.assert_allclose(series[("group/b", "train/loss")].values, decay(40), rtol=1e-6)
    np.testing.assert_array_equal(series[("a", "loss")].steps, np.arange(50))
    assert [(p.run, p.tag) for p in select(list(series.values()))] == [
        ("a", "loss"), ("group/b", "train/loss")]
    assert [p.tag for p in select(list(series.values()), ["accuracy"])] == ["accuracy"]


def test_reader_copes_with_a_file_still_being_written(tmp_path):
    path = write_events(tmp_path, {"loss": decay(30)})
    (name,) = [f for f in os.listdir(path) if "tfevents" in f]
    with open(os.path.join(path, name), "ab") as f:
        f.write(b"\x20\x00\x00\x00\x00\x00\x00\x00\x01\x02")  # half a record: the writer's next
    (s,) = read_scalars(tmp_path)
    assert s.values.size == 30


def test_validation_pairs_by_tag_and_by_sibling_folder(tmp_path):
    write_events(tmp_path / "run1", {"loss": decay(), "val_loss": decay() + 0.1})
    write_events(tmp_path / "run2" / "train", {"epoch_loss": decay()}, tf2=True)
    write_events(tmp_path / "run2" / "validation", {"epoch_loss": decay() + 0.1}, tf2=True)
    write_events(tmp_path / "run3", {"Loss/train": decay(), "Loss/val": decay() + 0.1})
    pairs = select(read_scalars(tmp_path))
    got = {(p.run, p.tag): (p.validation.run, p.validation.tag) for p in pairs}
    assert got == {("run1", "loss"): ("run1", "val_loss"),
                   ("run2/train", "epoch_loss"): ("run2/validation", "epoch_loss"),
                   ("run3", "Loss/train"): ("run3", "Loss/val")}


def test_command_prints_report_json_and_plot(tmp_path, capsys):
    t = np.arange(300)
    values = decay()
    values[250:] = np.nan
    write_events(tmp_path / "logs" / "bad", {"loss": values})
    write_events(tmp_path / "logs" / "good", {"loss": decay()})
    assert main(["doctor", str(tmp_path / "logs")]) == 0
    out = capsys.readouterr().out
    assert "run bad | tag loss | 300 points, steps 0..299" in out
    assert "NAN (confidence 1.00) at step 250" in out and "CONVERGED" in out
    plot = tmp_path / "doctor.png"
    assert main(["doctor", str(tmp_path / "logs"), "--json", "--plot", str(plot)]) == 0
    objects = json.loads(capsys.readouterr().out)
    assert [(o["run"], o["tag"], o["label"]) for o in objects] == [
        ("bad", "loss", "nan"), ("good", "loss", "converged")]
    assert objects[0]["step"] == 250 and objects[0]["validation"] is None
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    np.save(tmp_path / "x.npy", t[:, None] / 300.0)
    np.save(tmp_path / "y.npy", t / 100.0)
    assert main(["doctor", str(tmp_path / "logs" / "good"), "--json", "--data",
                 str(tmp_path / "x.npy"), str(tmp_path / "y.npy")]) == 0
    assert "lsq_gap" in json.loads(capsys.readouterr().out)[0]["evidence"]
    assert main(["doctor", str(tmp_path / "logs"), "--tag", "nothing"]) == 1
    assert "no scalar series (nothing)" in capsys.readouterr().err
    assert main(["doctor", str(tmp_path / "missing")]) == 2


def corpus_labels():
    with open(os.path.join(CORPUS, "labels.json")) as f:
        return json.load(f)["curves"]


def corpus_results():
    labels = corpus_labels()
    pairs = {(p.run, p.tag): p for p in select(read_scalars(CORPUS))}
    rows = []
    for c in labels:
        p = pairs[(c["run"], c["tag"])]
        data = None
        if "data" in c:
            data = tuple(np.load(os.path.join(CORPUS, f)) for f in c["data"])
        v = p.validation
        d = diagnose(p.train.steps, p.train.values,
                     (v.steps, v.values) if v is not None else None, data)
        rows.append((c, p, d))
    return rows


def test_corpus_labels_are_recovered():
    rows = corpus_results()
    assert len(rows) >= 40
    assert {c["source"] for c, _, _ in rows} == {"flowgrad", "torch", "tf2"}
    for c, p, _ in rows:  # the pairing the corpus was written with is found
        if "validation" in c:
            v = p.validation
            assert v is not None and (v.tag == c["validation"]
                                      or v.run.endswith("/" + c["validation"])), c["run"]
    lines, figures = [], {}
    for split in ("train", "heldout"):
        part = [(c, d) for c, _, d in rows if c["split"] == split]
        hits = sum(c["label"] == d.label for c, d in part)
        figures[split] = hits / len(part)
        lines.append(f"{split}: {hits}/{len(part)} labels recovered "
                     f"({100 * hits / len(part):.0f}%)")
        lines += [f"  missed {c['run']} [{c['tag']}]: {c['label']} -> {d.labels}"
                  for c, d in part if c["label"] != d.label]
    for batch in ("first", "fresh"):  # held out from the start / made after the rules froze
        part = [(c, d) for c, _, d in rows
                if c["split"] == "heldout" and c.get("batch", "first") == batch]
        hits = sum(c["label"] == d.label for c, d in part)
        lines.append(f"  held out, {batch} batch: {hits}/{len(part)}")
    false_alarms = [c["run"] for c, _, d in rows
                    if c["label"] in ("healthy", "converged") and set(d.labels) & ALARMS]
    calm = sum(c["label"] in ("healthy", "converged") for c, _, _ in rows)
    lines.append(f"healthy or converged runs called diverging/NaN: {len(false_alarms)}/{calm}")
    print("\n" + "\n".join(lines))
    assert figures["heldout"] >= 0.9, lines
    assert not false_alarms


def test_corpus_through_the_command(capsys):
    assert main(["doctor", CORPUS, "--json"]) == 0
    objects = json.loads(capsys.readouterr().out)
    labels = corpus_labels()
    assert len(objects) >= len(labels)
    assert {(o["run"], o["tag"]) for o in objects} >= {(c["run"], c["tag"]) for c in labels}
