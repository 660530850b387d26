"""The `checkpoint` state file of a folder (TF1's text format), which lists its checkpoints,
and the functions that read it: get_checkpoint_state, latest_checkpoint, checkpoint_exists.

flowgrad adds two comment lines, which TF1's parser skips: a first line saying that the file
ends with a checksum, and a last line `# flowgrad-sha256: <hex>`, the SHA-256 of the lines
above it. A damaged or truncated file is then reported instead of silently pointing at the
wrong checkpoint. A file without them (written by hand or by TensorFlow) is accepted."""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field

from flowgrad import dtypes, errors
from flowgrad.train import checkpoint_format

_HEAD_LINE = b"# flowgrad checkpoint state; its last line is the SHA-256 of the lines above\n"
_SUM_LINE = re.compile(rb"# flowgrad-sha256: ([0-9a-f]{64})\n?\Z")
_FIELD = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"$|^\'((?:[^\'\\]|\\.)*)\'$')
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)
_SIMPLE = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"\\": b"\\", b'"': b'"', b"'": b"'"}
_PATHS = ("model_checkpoint_path", "all_model_checkpoint_paths")
_NUMBERS = ("all_model_checkpoint_timestamps", "last_preserved_timestamp")


@dataclass
class CheckpointState:
    """The contents of a `checkpoint` file: the latest prefix and every one still kept."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list = field(default_factory=list)


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """Whether the checkpoint `checkpoint_prefix` (as `save` returned it) has its file."""
    return os.path.isfile(checkpoint_format.data_path(os.fspath(checkpoint_prefix)))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of `checkpoint_dir`'s state file (paths joined to the folder), or
    None if there is none; DataLossError if it is damaged."""
    path = os.path.join(os.fspath(checkpoint_dir), latest_filename or "checkpoint")
    try:
        with open(path, "rb") as file:
            content = file.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise checkpoint_format.os_error(e, f"Cannot read checkpoint state file {path}") from None
    state = parse_state(content, path)

    def join(prefix):
        return prefix if os.path.isabs(prefix) else os.path.join(os.fspath(checkpoint_dir), prefix)

    state.model_checkpoint_path = join(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [join(p) for p in state.all_model_checkpoint_paths]
    return state


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in `checkpoint_dir`, or None if there is none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    if checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    warnings.warn(
        f"The checkpoint state file in {checkpoint_dir} names "
        f"{state.model_checkpoint_path}, whose file "
        f"{checkpoint_format.data_path(state.model_checkpoint_path)} does not exist.",
        errors.FlowgradWarning,
        stacklevel=2,
    )
    return None


def update_checkpoint_state(
    save_dir, model_checkpoint_path, all_model_checkpoint_paths=None, latest_filename=None
) -> None:
    """Atomically rewrites `save_dir`'s state file; paths inside the folder are kept relative,
    so a folder of checkpoints can be moved."""
    save_dir = os.fspath(save_dir)
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)  # as TF1: the latest is always listed last
    lines = [f"model_checkpoint_path: {_quote(_relative(model_checkpoint_path, save_dir))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(_relative(p, save_dir))}" for p in paths]
    body = _HEAD_LINE + ("\n".join(lines) + "\n").encode()
    content = body + b"# flowgrad-sha256: " + hashlib.sha256(body).hexdigest().encode() + b"\n"
    path = os.path.join(save_dir, latest_filename or "checkpoint")
    checkpoint_format.write_atomically(path, lambda file: file.write(content))


def parse_state(content: bytes, path: str) -> CheckpointState:
    """A CheckpointState from a state file's bytes; DataLossError if it is damaged."""
    body = content
    last = content.rfind(b"\n", 0, len(content) - 1) + 1
    match = _SUM_LINE.match(content, last)
    if match:
        body = content[:last]
        if hashlib.sha256(body).hexdigest() != match.group(1).decode():
            raise _damaged(
                path,
                "its lines do not match the SHA-256 recorded on its last line "
                "(if you edited it by hand, delete the two '# flowgrad' lines)",
            )
    elif content.startswith(_HEAD_LINE) or b"flowgrad-sha256" in content[last:]:
        raise _damaged(path, "its checksum line is missing or malformed (truncated?)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _damaged(path, "it is not UTF-8 text") from None
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _FIELD.match(line)
        key, value = found.groups() if found else (None, None)
        if key in _PATHS:
            value = _unquote(value, path, number)
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = value
            else:
                state.all_model_checkpoint_paths.append(value)
        elif key in _NUMBERS and _is_number(value):
            continue  # TF's timestamps: accepted, not used
        else:
            raise _damaged(path, f"line {number} is not a checkpoint state field: {line[:80]!r}")
    if not state.model_checkpoint_path:
        raise _damaged(path, "it has no model_checkpoint_path")
    return state


def _relative(prefix: str, folder: str) -> str:
    prefix = os.fspath(prefix)
    if os.path.abspath(os.path.dirname(prefix) or ".") == os.path.abspath(folder or "."):
        return os.path.basename(prefix)
    return prefix


def _quote(text: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _unquote(value: str, path: str, number: int) -> str:
    found = _QUOTED.match(value)
    if not found:
        raise _damaged(path, f"line {number} has no quoted path: {value[:80]!r}")
    raw = (found.group(1) if found.group(1) is not None else found.group(2)).encode("utf-8")

    def one(m):
        if m.group(1):
            return bytes([int(m.group(1), 8) & 0xFF])
        if m.group(2):
            return bytes([int(m.group(2), 16)])
        return _SIMPLE.get(m.group(3), b"\\" + m.group(3))

    try:
        return _ESCAPE.sub(one, raw).decode("utf-8")
    except UnicodeDecodeError:
        raise _damaged(path, f"line {number} holds a path that is not UTF-8") from None


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _damaged(path: str, why: str) -> errors.DataLossError:
    folder = os.path.dirname(path) or "."
    try:
        names = [n for n in os.listdir(folder) if n.endswith(checkpoint_format.SUFFIX)]
    except OSError:
        names = []
    # natural order, so that model.ckpt-9 comes before model.ckpt-10
    names.sort(key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)])
    found = [n[: -len(checkpoint_format.SUFFIX)] for n in names]
    listing = ", ".join(found[-10:]) or "none"
    return errors.DataLossError(
        None,
        None,
        (
            f"Checkpoint state file {path} is damaged: {why}. Checkpoints in that folder: "
            f"{listing}; pass one of them to Saver.restore, or delete the state file to start over."
        ),
    )


def list_variables(ckpt_dir_or_file) -> list:
    """(name, shape) of every variable in a checkpoint (or a folder's latest), by name."""
    entries = checkpoint_format.read(checkpoint_format.data_path(_resolve(ckpt_dir_or_file)))
    return sorted((name, list(shape)) for name, (_, shape, _) in entries.items())


def load_variable(ckpt_dir_or_file, name):
    """The value of variable `name` in a checkpoint (or a folder's latest) as a NumPy array."""
    prefix = _resolve(ckpt_dir_or_file)
    entries = checkpoint_format.read(checkpoint_format.data_path(prefix))
    if name not in entries:
        raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint {prefix}")
    return checkpoint_format.to_array(*entries[name]).copy()


class CheckpointReader:
    """The variables of one checkpoint, by name (TF1's tf.train.NewCheckpointReader)."""

    def __init__(self, prefix: str):
        self._prefix = os.fspath(prefix)
        self._entries = checkpoint_format.read(checkpoint_format.data_path(self._prefix))

    def get_variable_to_shape_map(self) -> dict:
        """{name: shape as a list of ints}."""
        return {name: list(shape) for name, (_, shape, _) in self._entries.items()}

    def get_variable_to_dtype_map(self) -> dict:
        """{name: DType}."""
        return {name: dtypes.as_dtype(dtype) for name, (dtype, _, _) in self._entries.items()}

    def has_tensor(self, name: str) -> bool:
        """True if the checkpoint holds a variable called `name`."""
        return name in self._entries

    def get_tensor(self, name: str):
        """The value of variable `name` as a new NumPy array."""
        if name not in self._entries:
            raise errors.NotFoundError(
                None, None, f"Key {name} not found in checkpoint {self._prefix}")
        return checkpoint_format.to_array(*self._entries[name]).copy()

    def debug_string(self) -> bytes:
        """One line per variable: `name (dtype) [shape]`, sorted by name."""
        shapes, types = self.get_variable_to_shape_map(), self.get_variable_to_dtype_map()
        return "".join(f"{n} ({types[n].name}) {shapes[n]}\n" for n in sorted(shapes)).encode()


def NewCheckpointReader(filepattern) -> CheckpointReader:
    """A CheckpointReader on the checkpoint with prefix `filepattern`."""
    return CheckpointReader(filepattern)


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A CheckpointReader on a checkpoint, or on a folder's latest one."""
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def _resolve(ckpt_dir_or_file) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(
                f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}"
            )
        return latest
    return path
