"""tf.train.Saver: saves Variables' values to checkpoint files and restores them, keeping the
last `max_to_keep` checkpoints listed in the folder's `checkpoint` state file.

A save fetches every variable in one run (a consistent snapshot), writes the checkpoint file
atomically, then the state file atomically, and only then deletes checkpoints that fell off
the list: a crash at any point leaves the state file naming a complete checkpoint. A restore
reads and checks the whole file (checksum, names, shapes, dtypes) before it assigns anything,
then assigns every variable in one run of the Saver's `restore_all` op."""

from __future__ import annotations

import contextlib
import numbers
import os
import sys
import threading
import time
import warnings

import numpy as np

from flowgrad import errors
from flowgrad.framework.graph import GraphKeys, Tensor, get_default_graph
from flowgrad.ops import array_ops, state_ops
from flowgrad.ops.control_ops import group
from flowgrad.ops.variables import Variable
from flowgrad.train import checkpoint_format
from flowgrad.train.checkpoint_management import (
    checkpoint_exists,
    get_checkpoint_state,
    update_checkpoint_state,
)

_SAVEABLE_OBJECTS = "saveable_objects"  # TF1's GraphKeys.SAVEABLE_OBJECTS


class Saver:
    """Saves and restores Variables (by default every global variable: model weights,
    optimizer slots such as Adam's m and v, beta powers and the global step).

    `var_list` is a list of Variables (saved under their graph names, `v.op.name`) or a dict
    name -> Variable. Arguments of TF1 that change nothing here (sharding, write_version,
    builder, ...) are accepted; meta graphs (`.meta`) are not written."""

    def __init__(
        self,
        var_list=None,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        saver_def=None,
        builder=None,
        defer_build=False,
        allow_empty=False,
        write_version=2,
        pad_step_number=False,
        save_relative_paths=False,
        filename=None,
    ):
        if reshape:
            raise NotImplementedError("Saver(reshape=True) is not supported by flowgrad.")
        self._var_list = var_list
        self._max_to_keep = max_to_keep
        self._keep_every_s = keep_checkpoint_every_n_hours * 3600.0
        self._next_keep_time = time.time() + self._keep_every_s
        self._name = name
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._last_checkpoints: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._variables: dict | None = None
        self._values: dict = {}
        self._restore_op = None
        if not defer_build:
            self.build()

    def build(self) -> None:
        """Creates the restore ops (`save/Assign*`, `save/restore_all`) in the variables' graph."""
        if self._variables is not None:
            return
        variables = _variables_by_name(self._var_list)
        if not variables and not self._allow_empty:
            raise ValueError("No variables to save")
        for name, var in variables.items():
            try:
                checkpoint_format.dtype_code(var.dtype.as_numpy_dtype)
            except ValueError as e:
                raise TypeError(
                    f"Saver cannot hold variable '{name}' of dtype {var.dtype.name}: {e}"
                ) from None
        graph = next(iter(variables.values())).graph if variables else get_default_graph()
        with (
            graph.as_default(),
            graph.control_dependencies(None),
            graph.name_scope(self._name or "save"),
        ):
            assigns = []
            for name, var in variables.items():
                value = array_ops.placeholder(var.dtype, var.shape, name="value")
                self._values[name] = value
                assigns.append(
                    state_ops.assign(
                        var, value, validate_shape=var.shape.is_fully_defined(), name="Assign"
                    )
                )
            self._restore_op = group(*assigns, name="restore_all")
        self._variables = variables

    @property
    def last_checkpoints(self) -> list:
        """Prefixes of the checkpoints this Saver keeps, oldest first."""
        return [prefix for prefix, _ in self._last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        """Replaces the kept list with (prefix, timestamp) pairs, oldest first."""
        self._last_checkpoints = [(os.fspath(p), float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths) -> None:
        """Adopts existing checkpoints (e.g. a previous run's `all_model_checkpoint_paths`),
        so that max_to_keep counts and deletes them too."""
        found = []
        for prefix in dict.fromkeys(os.fspath(p) for p in checkpoint_paths):
            with contextlib.suppress(OSError):
                found.append((prefix, os.path.getmtime(checkpoint_format.data_path(prefix))))
        self.set_last_checkpoints_with_time(found)

    def save(
        self,
        sess,
        save_path,
        global_step=None,
        latest_filename=None,
        meta_graph_suffix="meta",
        write_meta_graph=True,
        write_state=True,
        strip_default_attrs=False,
        save_debug_info=False,
        all_ranks=False,
    ):
        """Writes the variables' values in `sess` to a checkpoint and returns its prefix
        (`save_path`, or `save_path-<global_step>`). After flowgrad.distributed.init(), only
        rank 0 writes (unless `all_ranks`); the others return the prefix and write nothing."""
        if self._variables is None:
            raise RuntimeError("build() should be called before save if defer_build==True")
        if not self._variables:
            return None  # an empty Saver (allow_empty=True) saves nothing, as in TF1
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        if not hasattr(sess, "run"):
            raise TypeError(f"'sess' must be a Session; {sess!r}")
        prefix = os.fspath(save_path)
        if global_step is not None:
            step = global_step
            if not isinstance(step, numbers.Integral):
                step = sess.run(global_step)
            prefix += f"-{int(step):08d}" if self._pad_step_number else f"-{int(step)}"
        distributed = sys.modules.get("flowgrad.distributed.state")  # imported by its init()
        if distributed is not None and not distributed.should_write(all_ranks):
            return prefix
        folder = os.path.dirname(prefix)
        if not os.path.isdir(folder or "."):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        names = list(self._variables)
        arrays = dict(zip(names, sess.run([self._variables[n] for n in names])))
        with self._lock:
            checkpoint_format.remove_stale_temporaries(folder)
            try:
                checkpoint_format.write(checkpoint_format.data_path(prefix), arrays)
                if write_state:
                    self._update_state(prefix, folder, latest_filename)
            except OSError as e:
                raise checkpoint_format.os_error(
                    e,
                    (
                        f"Saving checkpoint {prefix} failed; the checkpoints saved before are "
                        "untouched"
                    ),
                ) from e
        return prefix

    def _update_state(self, prefix: str, folder: str, latest_filename: str) -> None:
        kept, dropped = list(self._last_checkpoints), []
        if self._max_to_keep:
            kept = [(p, t) for p, t in kept if p != prefix] + [(prefix, time.time())]
            if len(kept) > self._max_to_keep:
                dropped, kept = kept[: -self._max_to_keep], kept[-self._max_to_keep :]
        update_checkpoint_state(folder, prefix, [p for p, _ in kept], latest_filename)
        self._last_checkpoints = kept
        # only now that the state file no longer lists them may old checkpoints go
        for old, stamp in dropped:
            if self._keep_every_s and stamp > self._next_keep_time:
                self._next_keep_time += self._keep_every_s
                continue
            try:
                os.unlink(checkpoint_format.data_path(old))
            except FileNotFoundError:
                pass
            except OSError as e:
                warnings.warn(
                    f"Could not delete old checkpoint {old}: {e}",
                    errors.FlowgradWarning,
                    stacklevel=3,
                )

    def restore(self, sess, save_path) -> None:
        """Sets the variables in `sess` to the values of checkpoint `save_path`; checks the
        whole file first, so on any error no variable has changed."""
        if self._variables is None:
            raise RuntimeError("build() should be called before restore if defer_build==True")
        if not self._variables:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not checkpoint_exists(prefix):
            raise errors.MissingCheckpointError(None, None, _not_found(prefix))
        entries = checkpoint_format.read(checkpoint_format.data_path(prefix))
        feeds = self._feeds(entries, prefix)
        if feeds:
            sess.run(self._restore_op, feeds)

    def _feeds(self, entries: dict, prefix: str) -> dict:
        missing = [name for name in self._variables if name not in entries]
        if missing:
            held = ", ".join(
                f"{n} ({_describe(d, s)})" for n, (d, s, _) in list(entries.items())[:20]
            )
            wanted = ", ".join(
                f"{n} ({_describe(v.dtype, v.shape)})"
                for n, v in self._variables.items()
                if n in missing
            )
            raise errors.NotFoundError(
                None,
                None,
                (
                    f"Key {missing[0]} not found in checkpoint {prefix}: the graph's variables "
                    f"{wanted} have no value there. The checkpoint holds: {held or 'nothing'}."
                ),
            )
        feeds, wrong = {}, []
        for name, var in self._variables.items():
            dtype, shape, raw = entries[name]
            if dtype.name != var.dtype.name or not var.shape.is_compatible_with(shape):
                wrong.append(
                    f"variable '{name}' is {_describe(var.dtype, var.shape)} in the "
                    f"graph but {_describe(dtype, shape)} in the checkpoint"
                )
                continue
            feeds[self._values[name]] = checkpoint_format.to_array(dtype, shape, raw)
        if wrong:
            raise errors.InvalidArgumentError(
                None,
                None,
                (
                    f"Cannot restore checkpoint {prefix} (nothing was restored): "
                    + "; ".join(wrong)
                    + "."
                ),
            )
        return feeds


def _variables_by_name(var_list) -> dict:
    """name -> Variable for a Saver's var_list (sorted by name, as TF1 orders them)."""
    if var_list is None:
        graph = get_default_graph()
        var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + graph.get_collection(
            _SAVEABLE_OBJECTS
        )
        var_list = list({id(v): v for v in var_list}.values())
    if isinstance(var_list, dict):
        pairs = list(var_list.items())
    elif isinstance(var_list, (list, tuple, set)):
        pairs = [(_graph_name(v), v) for v in var_list]
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list: {var_list!r}")
    found = {}
    for name, var in pairs:
        if not _is_variable(var):
            raise TypeError(f"Saver can save Variables only; {name!r} is {var!r}")
        if name in found:
            raise ValueError(f"At least two variables have the same name: {name}")
        found[name] = var
    return dict(sorted(found.items()))


def _is_variable(var) -> bool:
    return isinstance(var, Variable) or (isinstance(var, Tensor) and var.op.type == "VariableV2")


def _graph_name(var) -> str:
    if not _is_variable(var):
        raise TypeError(f"Saver can save Variables only; got {var!r}")
    return var.op.name


def _describe(dtype, shape) -> str:
    dims = shape.as_tuple() if hasattr(shape, "as_tuple") else tuple(shape)
    dims = "unknown" if dims is None else list(dims)
    return f"{np.dtype(getattr(dtype, 'as_numpy_dtype', dtype)).name}, shape {dims}"


def _not_found(prefix: str) -> str:
    message = (
        f"The passed save_path is not a valid checkpoint: {prefix}. Failed to find any "
        f"matching files for it: there is no {checkpoint_format.data_path(prefix)}."
    )
    if os.path.isdir(prefix):
        message += f" {prefix} is a folder: pass tf.train.latest_checkpoint({prefix!r})."
    elif prefix.endswith(checkpoint_format.SUFFIX):
        message += f" Pass the prefix, without '{checkpoint_format.SUFFIX}'."
    else:
        state = None
        with contextlib.suppress(errors.OpError):
            state = get_checkpoint_state(os.path.dirname(prefix) or ".")
        if state is not None:
            message += f" The folder's latest checkpoint is {state.model_checkpoint_path}."
    return message
