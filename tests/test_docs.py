"""The docs run: every ```python block of README.md and docs/*.md, figures, links, API page.

A page's blocks run in order, in one namespace, in a temporary folder (its current directory),
with flowgrad's warnings as errors; ```python no-run blocks, other fences and indented blocks
are not run (scripts/make_figures.py defines the rules). The figures a page shows are the PNGs
its code writes there: each must exist, have the pixel size of the checked-in copy in
docs/figures/ and not be blank. Nothing here writes into the repository.
"""

import hashlib
import importlib.util
import re
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


runner = _script("make_figures")
api_docs = _script("make_api_docs")
PAGES = runner.docs_pages()


def _tree_digest() -> dict:
    files = [ROOT / "README.md", *sorted(p for p in DOCS.rglob("*") if p.is_file())]
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """run(page) -> the temporary folder where the page's code ran (each page runs once)."""
    folders = {}

    def run(page):
        if page not in folders:
            before = _tree_digest()
            folder = tmp_path_factory.mktemp(page.stem)
            folders[page] = None  # a page that failed once is not rerun by later tests
            runner.run_page(page, folder)
            assert _tree_digest() == before, f"running {page.name} changed repository files"
            folders[page] = folder
        assert folders[page] is not None, f"{page.name} failed to run (see test_page_runs)"
        return folders[page]

    return run


def test_block_rules():
    text = textwrap.dedent("""\
        ```python
        a = 1
        ```
        ```python no-run
        b = 2
        ```
        ```shell
        flowgrad board logs
        ```
        ````python
        ```
        c = 3
        ````
        ```
        plain
        ```
          ```py
          d = 4
          ```
        """)
    blocks = runner.code_blocks(text)
    assert [(b.info, b.runs) for b in blocks] == [
        ("python", True), ("python no-run", False), ("shell", False), ("python", True),
        ("", False), ("py", True)]
    assert blocks[0].line == 2 and blocks[0].source == "a = 1\n"
    assert blocks[3].source == "```\nc = 3\n"
    assert blocks[5].source == "d = 4\n"


def test_failures_name_the_page_and_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# t\n\n```python\nx = 1\n```\n\ntext\n\n```python\nx = x + 'a'\n```\n")
    with pytest.raises(TypeError) as info:
        runner.run_page(page, tmp_path)
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(info.value.__traceback__)]
    assert (str(page), 10) in frames


def test_every_page_has_code_that_runs():
    for page in PAGES:
        if page.name == "api.md":
            continue
        assert any(b.runs for b in runner.code_blocks(page.read_text())), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_runs(ran, page):
    assert ran(page).is_dir()


def _shown_figures():
    return {(page, ref) for page in PAGES for ref in runner.figure_refs(page.read_text())}


def test_figures_regenerated_and_match_the_checked_in_ones(ran):
    shown = _shown_figures()
    assert shown, "the docs show no figures"
    for page, ref in sorted(shown):
        made, kept = ran(page) / ref, DOCS / ref
        assert made.exists(), f"{page.name} shows {ref} but its code did not write it"
        assert kept.exists(), f"{ref} is not checked in: run python scripts/make_figures.py"
        assert runner.png_size(made) == runner.png_size(kept), (
            f"{ref}: the code draws {runner.png_size(made)} pixels, the checked-in copy is "
            f"{runner.png_size(kept)}: run python scripts/make_figures.py")
        assert runner.blank_reason(made) is None, f"{ref} looks blank: {runner.blank_reason(made)}"
        assert runner.blank_reason(kept) is None, f"docs/{ref} looks blank"


def test_no_stray_figures():
    shown = {ref for _, ref in _shown_figures()}
    kept = {f"figures/{p.name}" for p in (DOCS / "figures").glob("*.png")}
    assert kept <= shown, f"figures no page shows: {sorted(kept - shown)}"


def test_relative_links_resolve():
    link = re.compile(r"\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)")
    for page in PAGES:
        for target in link.findall(page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_every_public_name_has_a_docstring():
    assert api_docs.undocumented() == []


def test_api_page_is_up_to_date():
    current = api_docs.API_PAGE.read_text(encoding="utf-8")
    assert current == api_docs.render(), (
        "docs/api.md differs from the code: run python scripts/make_api_docs.py")


def test_api_page_lists_the_namespaces_and_their_names():
    text = api_docs.API_PAGE.read_text(encoding="utf-8")
    for _, spoken in api_docs.NAMESPACES:
        assert f"\n## {spoken}\n" in text
    for name in ("`placeholder(", "`Session(", "`gradients(", "`check_gradients(",
                 "`AdamOptimizer(", "`.minimize(", "`FileWriter(", "`diagnose(",
                 "`minibatches(", "`pearson_r2_score(", "`decision_boundary(",
                 "`DistributedOptimizer(", "`InvalidArgumentError("):
        assert name in text, name


def test_undocumented_names_are_caught(monkeypatch):
    import flowgrad.evaluation

    def bare(y_true, y_pred):
        return 0.0

    bare.__module__ = "flowgrad.evaluation"
    monkeypatch.setattr(flowgrad.evaluation, "bare_score", bare, raising=False)
    assert "flowgrad.evaluation.bare_score" in api_docs.undocumented()
    assert "- `bare_score(y_true, y_pred)` — **(no docstring)**" in api_docs.render()


def test_blank_and_size_checks(tmp_path):
    import matplotlib.image
    import numpy as np

    blank = np.ones((48, 64, 3))
    matplotlib.image.imsave(tmp_path / "blank.png", blank)
    assert runner.png_size(tmp_path / "blank.png") == (64, 48)
    assert "1 colours" in runner.blank_reason(tmp_path / "blank.png")
    drawn = blank.copy()
    drawn[10:30, 5:60] = np.random.default_rng(0).random((20, 55, 3))
    matplotlib.image.imsave(tmp_path / "drawn.png", drawn)
    assert runner.blank_reason(tmp_path / "drawn.png") is None
    (tmp_path / "fake.png").write_bytes(b"GIF89a" + bytes(30))
    with pytest.raises(ValueError, match="not a PNG"):
        runner.png_size(tmp_path / "fake.png")
