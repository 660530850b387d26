"""Scalar series from TensorBoard event files, read by TensorBoard's own loading code.

TensorBoard's plugin-aware EventMultiplexer walks the log folder (every folder holding event
files is a run, named by its path under the log folder), reads each run's files in order, stops
at a record still being written, purges the orphaned steps of a restarted run, and migrates
TF1/PyTorch `simple_value` scalars to the tensor form TF2 writes: so one code path reads every
writer's scalars. This module then picks the loss-like series and pairs each validation series
with its training series, by tag (`val_loss`, `validation/loss`, `eval/...`) or by sibling run
folders (`train/` beside `validation/`, `valid/`, `val/`, `eval/`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

VALIDATION_WORDS = {"val", "valid", "validation", "eval", "evaluation", "test", "dev"}
TRAINING_WORDS = {"train", "training"}


@dataclass
class Series:
    """One scalar series of one run: steps, values and wall times, in step order."""

    run: str
    tag: str
    steps: np.ndarray
    values: np.ndarray
    wall_times: np.ndarray


@dataclass
class Pair:
    """A series to diagnose and the validation series paired with it (or None)."""

    run: str
    tag: str
    train: Series
    validation: Series | None = None


def read_scalars(logdir: str | os.PathLike) -> list[Series]:
    """Every scalar series under `logdir` (a folder of runs, or one event file)."""
    from flowgrad.summary.proto import event_readers

    pea, pem, _ = event_readers()

    logdir = os.fspath(logdir)
    if not os.path.exists(logdir):
        raise FileNotFoundError(f"no such file or folder: {logdir}")
    keep_all = {pea.TENSORS: 0}  # 0: keep every event (the default keeps a sample of 500)
    if os.path.isfile(logdir):
        acc = pea.EventAccumulator(logdir, size_guidance=keep_all,
                                   tensor_size_guidance={"scalars": 0})
        acc.Reload()
        return _from_source(lambda run, tag: acc.Tensors(tag),
                            {os.path.basename(logdir): acc.PluginTagToContent("scalars")})
    mux = pem.EventMultiplexer(size_guidance=keep_all, tensor_size_guidance={"scalars": 0},
                               max_reload_threads=4)
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    return _from_source(mux.Tensors, mux.PluginRunToTagToContent("scalars"))


def _from_source(tensors, run_tags: dict) -> list[Series]:
    from flowgrad.summary.proto import event_readers

    tensor_util = event_readers()[2]

    out = []
    for run in sorted(run_tags):
        for tag in sorted(run_tags[run]):
            events = tensors(run, tag)
            values = [tensor_util.make_ndarray(e.tensor_proto) for e in events]
            keep = [i for i, v in enumerate(values) if v.size == 1]
            out.append(Series(
                run, tag,
                np.array([events[i].step for i in keep], dtype=np.int64),
                np.array([float(values[i].reshape(())) for i in keep], dtype=np.float64),
                np.array([events[i].wall_time for i in keep], dtype=np.float64)))
    return out


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[/_\-. ]+", name.lower()) if w]


def _is_validation_tag(tag: str) -> bool:
    return any(w in VALIDATION_WORDS for w in _words(tag))


def _base(tag: str) -> str:
    """The tag without its train/validation words: `val_loss`, `train/loss` -> `loss`."""
    words = [w for w in _words(tag) if w not in VALIDATION_WORDS | TRAINING_WORDS]
    return "/".join(words)


def _run_parts(run: str) -> tuple[str, str]:
    """(parent folder, last folder) of a run name ('.' is the log folder itself)."""
    parent, last = os.path.split(os.path.normpath(run))
    return parent or ".", last.lower()


def select(series: list[Series], tags: list[str] | None = None) -> list[Pair]:
    """Loss-like series (or those named in `tags`) paired with their validation series."""
    chosen = [s for s in series
              if (s.tag in tags if tags else "loss" in s.tag.lower()) and s.values.size]
    by_run: dict[str, list[Series]] = {}
    for s in chosen:
        by_run.setdefault(s.run, []).append(s)

    def train_partner(s: Series) -> Series | None:
        if _is_validation_tag(s.tag):  # a validation tag beside its training tag, same run
            same = [t for t in by_run[s.run] if not _is_validation_tag(t.tag)
                    and _base(t.tag) == _base(s.tag)]
            if same:
                return same[0]
        parent, last = _run_parts(s.run)
        if last in VALIDATION_WORDS:  # a validation run folder beside a training folder
            for sibling in [os.path.join(parent, w) for w in sorted(TRAINING_WORDS)] + [parent]:
                sibling = os.path.normpath(sibling)
                found = [t for t in by_run.get(sibling, [])
                         if not _is_validation_tag(t.tag) and _base(t.tag) == _base(s.tag)]
                if found:
                    return found[0]
        return None

    pairs: dict[tuple[str, str], Pair] = {}
    partners: dict[tuple[str, str], Series] = {}
    for s in chosen:
        partner = train_partner(s)
        if partner is not None:
            partners[(partner.run, partner.tag)] = s
    paired = {(v.run, v.tag) for v in partners.values()}
    for s in chosen:
        if (s.run, s.tag) not in paired:
            pairs[(s.run, s.tag)] = Pair(s.run, s.tag, s, partners.get((s.run, s.tag)))
    return list(pairs.values())
