"""Run the Python code blocks of the docs, and copy the figures they draw into docs/figures/.

    python scripts/make_figures.py               # run every page, update docs/figures/*.png
    python scripts/make_figures.py docs/guide.md # one page

Which blocks run: a fenced block whose info string is `python` (or `py`). `python no-run` is
shown but not run (fragments that need a cluster, a server or a missing name); any other
fence (`text`, `shell`, `console`, none) and indented blocks are never run. The blocks of one
page run in order, in one namespace, with a fresh default graph, in a scratch folder that is
the current directory, so every path they write is relative to it; flowgrad's warnings are
errors there (a block that demonstrates one catches it). Figures are the PNGs the pages write
under `figures/`; a page shows them as `![...](figures/NAME.png)`. tests/test_docs.py runs the
same code in a temporary folder and checks the figures against the checked-in ones.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import struct
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"
RUN_LANGUAGES = {"python", "py"}
NO_RUN = "no-run"

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_FIGURE_REF = re.compile(r"!\[[^\]]*\]\((?P<path>figures/[^)\s]+\.png)\)")


@dataclass
class Block:
    """One fenced code block: where it starts (1-based line of its first code line), its
    info string, its code, and whether it runs."""

    line: int
    info: str
    source: str

    @property
    def runs(self) -> bool:
        """Whether the docs tests execute this block (python, not marked no-run)."""
        words = self.info.split()
        return bool(words) and words[0].lower() in RUN_LANGUAGES and NO_RUN not in words[1:]


def code_blocks(text: str) -> list[Block]:
    """Every fenced code block of a Markdown text, in order."""
    blocks, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent, start = m["fence"], len(m["indent"]), i + 1
        body = []
        i += 1
        while i < len(lines):
            close = _FENCE.match(lines[i])
            if close and close["fence"][0] == fence[0] and len(close["fence"]) >= len(fence) \
                    and not close["info"].strip():
                break
            line = lines[i]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            i += 1
        blocks.append(Block(start + 1, m["info"].strip(), "\n".join(body) + "\n"))
        i += 1
    return blocks


def figure_refs(text: str) -> list[str]:
    """The figures a page shows, as paths relative to docs/ (`figures/fit.png`)."""
    return sorted({m["path"] for m in _FIGURE_REF.finditer(text)})


def docs_pages() -> list[Path]:
    """The pages whose code runs: README.md and docs/*.md."""
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@contextlib.contextmanager
def _working_directory(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_page(page: Path, workdir: Path) -> dict:
    """Runs a page's blocks in order in one namespace, with `workdir` as the current folder.

    A failure names the page and its Markdown line (the code is compiled at its own lines)."""
    import flowgrad as tf
    from flowgrad.errors import FlowgradWarning

    tf.reset_default_graph()
    namespace: dict = {"__name__": "__main__"}
    text = page.read_text(encoding="utf-8")
    with _working_directory(workdir), warnings.catch_warnings():
        warnings.simplefilter("error", FlowgradWarning)
        for block in code_blocks(text):
            if block.runs:
                code = compile("\n" * (block.line - 1) + block.source, str(page), "exec")
                exec(code, namespace)
    return namespace


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, read from its header."""
    data = Path(path).read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file")
    return struct.unpack(">II", data[16:24])


def blank_reason(path: Path) -> str | None:
    """Why a PNG looks blank (one colour, or almost nothing drawn), or None if it does not."""
    import matplotlib.image
    import numpy as np

    rgb = np.round(matplotlib.image.imread(os.fspath(path))[..., :3] * 255).astype(np.int32)
    packed = (rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]).ravel()
    drawn = np.mean(packed != packed[0])  # packed[0]: the top-left corner, the background
    colours = len(np.unique(packed))
    if drawn < 0.01 or colours < 8:
        return f"{drawn:.1%} of the pixels differ from the background, {colours} colours"
    return None


def make_figures(pages: list[Path], out: Path) -> list[Path]:
    """Runs the pages in a scratch folder; copies the figures they show into `out`."""
    written = []
    with tempfile.TemporaryDirectory(prefix="flowgrad-docs-") as tmp:
        for page in pages:
            workdir = Path(tmp) / page.stem
            workdir.mkdir()
            run_page(page, workdir)
            for ref in figure_refs(page.read_text(encoding="utf-8")):
                source = workdir / ref
                if not source.exists():
                    raise FileNotFoundError(f"{page.name} shows {ref} but its code did not "
                                            "write it")
                out.mkdir(parents=True, exist_ok=True)
                written.append(Path(shutil.copyfile(source, out / Path(ref).name)))
    return written


def main(argv=None) -> int:
    """Regenerate the figures of the given pages (default: every docs page)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="Markdown pages (default: all)")
    parser.add_argument("--out", type=Path, default=FIGURES, help="where the PNGs go")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or docs_pages()
    for path in make_figures(pages, args.out):
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
