"""`flowgrad demo` and the example programs: they train, print results, and leave PNGs and
TensorBoard event files where they say."""

import glob
import os
import subprocess
import sys

import pytest

from flowgrad import cli, demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PNG = b"\x89PNG\r\n\x1a\n"


def _loss_steps(logdir):
    """The steps of the `summaries/loss` scalars in the one event file of `logdir`, read with
    TensorBoard's own loader."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.util import tensor_util

    (path,) = glob.glob(os.path.join(logdir, "*tfevents*"))
    steps, has_graph = [], False
    for event in EventFileLoader(path).Load():
        has_graph |= event.HasField("graph_def")
        for value in event.summary.value:
            if value.tag == "summaries/loss":
                steps.append(event.step)
                assert float(tensor_util.make_ndarray(value.tensor)) >= 0.0
    return steps, has_graph


def test_demo_all_trains_both_models_and_says_where_the_files_are(tmp_path, capsys):
    out = tmp_path / "runs"
    assert cli.main(["demo", "all", "--steps", "40", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"flowgrad board {out}" in printed
    assert "Pearson R^2" in printed and "Classification Accuracy" in printed
    expected = {"linear-regression": ["loss_curve.png", "fit.png", "predicted_vs_true.png"],
                "logistic-regression": ["loss_curve.png", "decision_boundary.png"]}
    for name, pngs in expected.items():
        for png in pngs:
            path = out / name / png
            assert f"plot  {path}" in printed
            assert path.read_bytes().startswith(PNG) and path.stat().st_size > 10_000
        assert f"logs  {out / name / 'logs'}" in printed
        steps, has_graph = _loss_steps(out / name / "logs")
        assert steps == list(range(40)) and has_graph


def test_demo_rerun_replaces_its_previous_run(tmp_path, capsys):
    args = ["demo", "logistic-regression", "--steps", "5", "--out", str(tmp_path)]
    assert cli.main(args) == 0
    assert cli.main(args) == 0
    assert "replacing the previous run" in capsys.readouterr().out
    assert len(glob.glob(str(tmp_path / "logistic-regression" / "logs" / "*tfevents*"))) == 1
    assert not (tmp_path / "linear-regression").exists()


def test_demo_registry_and_arguments(capsys):
    assert list(demo.DEMOS) == ["linear-regression", "logistic-regression", "fcnet", "digits"]
    assert demo.DEMOS["linear-regression"].steps == 8000
    assert demo.DEMOS["logistic-regression"].steps == 1000
    assert cli.main(["demo", "all", "--steps", "0"]) == 2
    assert "--steps must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["demo", "no-such-demo"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("script, expect", [("linear_regression.py", "Pearson R^2"),
                                            ("logistic_regression.py", "Classification")])
def test_examples_run_as_scripts(tmp_path, script, expect):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), "--steps",
                           "20", "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout and "flowgrad board" in done.stdout
    assert (tmp_path / "loss_curve.png").read_bytes().startswith(PNG)
