"""Smoke tests of the benchmark harness (`make bench`): it runs, verifies implementations
against the NumPy reference and reports; no timing is asserted."""

import json

import pytest

from benchmarks import __main__ as bench
from benchmarks import memory, profile, report, scaling, startup, workloads
from benchmarks.timing import interleaved


def test_speed_section_verifies_and_reports(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert bench.main(["--quick", "--only", "W1,W2", "--sections", "speed", "--repeats", "1",
                       "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    for name in ("W1", "W2"):
        row = results["speed"][name]["results"]
        assert list(row) == ["numpy", "flowgrad"]
        assert all(r["median"] > 0 and r["best"] <= r["median"] for r in row.values())
    printed = capsys.readouterr().out
    assert "| W1 book linear regression, N=100, Adam | flowgrad |" in printed
    assert "W1 speed, flowgrad/NumPy best-repeat ratio <= 1.5x" in printed
    assert (tmp_path / "r.md").read_text().strip() == printed.strip()
    assert results["machine"]["blas"] and results["machine"]["load_average"]


def test_verify_rejects_a_wrong_loss_and_wrong_parameters():
    w = workloads.make("W1")

    def wrong_loss(w):
        step, params = workloads.numpy_step_fn(w)
        return (lambda: step() * 1.01), lambda: params

    with pytest.raises(AssertionError, match=r"bad on W1: step 0 loss .* != NumPy"):
        bench.verify("bad", wrong_loss, w)

    def wrong_update(w):
        step, params = workloads.numpy_step_fn(w)

        def skewed():
            loss = step()
            params["b"] += 0.01
            return loss

        return skewed, lambda: params

    with pytest.raises(AssertionError, match="bad on W1: (step 1 loss|parameter b differs)"):
        bench.verify("bad", wrong_update, w)


def test_interleaved_takes_turns():
    calls = []
    timed = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                        steps=2, repeats=2, warmup=0)
    assert calls == ["a", "a", "b", "b", "a", "a", "b", "b"]
    assert len(timed["a"]["all"]) == 2 and timed["a"]["best"] <= timed["a"]["median"]


def test_startup_child_reports_no_heavy_modules():
    r = startup.measure("flowgrad")
    assert r["total_s"] > 0 and r["first_step_s"] > 0
    assert not set(r["heavy_after_import"]) & {"matplotlib", "sklearn", "tensorboard", "mpi4py"}


def test_memory_children():
    peak = memory.measure("peak", "flowgrad", "W1", 5)
    assert peak["growth"] >= 0 and peak["peak_reset"] in (True, False)
    flat = memory.measure("flat", "numpy", "W1", 50)
    assert list(flat["rss"]) == ["5", "25", "50"] and "growth_per_step" in flat


def test_scaling_runs_and_fits_a_slope():
    sc = scaling.run(sizes=(1_000, 2_000), repeats=1)
    assert set(sc["sizes"]) == {1_000, 2_000}
    assert all(r["best"] > 0 and r["permutation_bytes"] == 8 * n for n, r in sc["sizes"].items())
    assert isinstance(sc["slope"], float)
    assert "Log-log slope" in report.scaling_table(sc)


def test_profile_names_the_plan_kernels():
    text = profile.markdown("W1", steps=2)
    assert "ApplyAdam" in text and "cProfile" in text


def test_speed_status_against_the_aims():
    def row(ratio):
        return {"numpy": {"best": 1.0}, "flowgrad": {"best": ratio}}

    assert report.speed_status("W1", row(1.4)) == "met (1.40x <= 1.5x)"
    assert report.speed_status("W1", row(1.8)) == \
        "aim missed by 20% (1.80x; within the 2.0x limit)"
    assert report.speed_status("W4", row(1.06)).endswith("above the 1.05x limit)")
    assert report.speed_status("W1", {"numpy": {"best": 1.0}, "flowgrad": {"error": "x"}}) is None
