"""The checkpoint file: one safetensors file per checkpoint, its SHA-256 and format version in the
header, written atomically. Reading it never runs code: a JSON header and raw arrays.

Layout (a valid safetensors file): 8 bytes little-endian header length n; n bytes of JSON,
padded with spaces, whose first entry is `"__metadata__":{"flowgrad_sha256":"<64 hex>",...}`;
then the arrays' bytes, little-endian, C order. The SHA-256 covers the whole file with those 64
characters read as '0's, so every byte that is read is checked, the checksum's own bytes too."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import secrets

import numpy as np

from flowgrad import errors

FORMAT = "flowgrad-checkpoint"
VERSION = "1"
SUFFIX = ".safetensors"
_HEAD = b'{"__metadata__":{"flowgrad_sha256":"'
_SUM_AT = 8 + len(_HEAD)
_SUM_LEN = 64
_PLACEHOLDER = b"0" * _SUM_LEN
_CODES = {
    "float16": "F16",
    "float32": "F32",
    "float64": "F64",
    "int8": "I8",
    "int16": "I16",
    "int32": "I32",
    "int64": "I64",
    "uint8": "U8",
    "uint16": "U16",
    "bool": "BOOL",
}
_NUMPY = {code: np.dtype(name).newbyteorder("<") for name, code in _CODES.items()}
_CHUNK = 1 << 24
_TEMP_MARK = ".tmp-"


def data_path(prefix: str) -> str:
    """The file a checkpoint prefix maps to."""
    return prefix + SUFFIX


def dtype_code(dtype) -> str:
    """The safetensors code of a NumPy dtype; ValueError for dtypes the format cannot hold."""
    code = _CODES.get(np.dtype(dtype).name)
    if code is None:
        raise ValueError(f"checkpoints hold {', '.join(_CODES)}; not {np.dtype(dtype).name}")
    return code


def write(path: str, arrays: dict) -> None:
    """Writes `arrays` (name -> ndarray) to `path` atomically: all of it, or nothing new."""
    order = sorted(arrays, key=lambda name: (-arrays[name].dtype.itemsize, name))
    table, offset, blobs = {}, 0, []
    for name in order:
        # little-endian and contiguous; a view on little-endian machines, no copy
        array = np.asarray(arrays[name], arrays[name].dtype.newbyteorder("<"), order="C")
        table[name] = {
            "dtype": dtype_code(array.dtype),
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
        blobs.append(array.reshape(-1).view(np.uint8))
    metadata = {
        "flowgrad_sha256": _PLACEHOLDER.decode(),
        "format": FORMAT,
        "format_version": VERSION,
    }
    header = json.dumps({"__metadata__": metadata, **table}, separators=(",", ":")).encode()
    header += b" " * (-(8 + len(header)) % 8)  # keeps every array 8-byte aligned in the file
    start = len(header).to_bytes(8, "little") + header
    assert start.startswith(len(header).to_bytes(8, "little") + _HEAD)

    def fill(file):
        digest = hashlib.sha256(start)
        file.write(start)
        for blob in blobs:
            for at in range(0, len(blob), _CHUNK):
                piece = memoryview(blob[at : at + _CHUNK])
                digest.update(piece)
                file.write(piece)
        file.seek(_SUM_AT)
        file.write(digest.hexdigest().encode())

    write_atomically(path, fill)


def read(path: str) -> dict:
    """name -> (dtype, shape, bytes) of the checkpoint at `path`, every byte checked first."""
    try:
        with open(path, "rb") as file:
            buffer = file.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"Checkpoint file {path} does not exist.") from None
    except OSError as e:
        raise os_error(e, f"Cannot read checkpoint file {path}") from None
    return parse(buffer, path)


def parse(buffer: bytes, path: str) -> dict:
    """The arrays of a checkpoint file's bytes; DataLossError unless the checksum matches."""
    if len(buffer) < _SUM_AT + _SUM_LEN or buffer[8:_SUM_AT] != _HEAD:
        raise _corrupt(
            path,
            f"it is {len(buffer)} bytes long and does not start with a "
            "flowgrad checkpoint header (truncated, or not a flowgrad checkpoint)",
        )
    view = memoryview(buffer)
    digest = hashlib.sha256(view[:_SUM_AT])
    digest.update(_PLACEHOLDER)
    digest.update(view[_SUM_AT + _SUM_LEN :])
    stored = bytes(view[_SUM_AT : _SUM_AT + _SUM_LEN])
    if stored != digest.hexdigest().encode():
        raise _corrupt(
            path,
            f"its SHA-256 is {digest.hexdigest()} but its header records "
            f"{stored.decode('ascii', 'replace')} (truncated or modified)",
        )
    # From here on the bytes are what the writer wrote; checks below catch crafted files.
    size = int.from_bytes(buffer[:8], "little")
    try:
        header = json.loads(buffer[8 : 8 + size])
        metadata = header.pop("__metadata__")
        kind, version = metadata.get("format"), metadata.get("format_version")
    except (ValueError, KeyError, AttributeError) as e:
        raise _corrupt(path, f"its header is not valid ({e})") from None
    if kind != FORMAT:
        raise _corrupt(path, f"its header names format {kind!r}, not {FORMAT!r}")
    if version != VERSION:
        raise errors.UnimplementedError(
            None,
            None,
            (
                f"Checkpoint {path} has format version {version!r}; this flowgrad reads version "
                f"{VERSION} (was it written by a newer flowgrad?)."
            ),
        )
    return _entries(header, view[8 + size :], path)


def _entries(header: dict, data: memoryview, path: str) -> dict:
    entries, end = {}, 0
    spans = []
    for name, entry in header.items():
        try:
            dtype = _NUMPY[entry["dtype"]]
            shape = tuple(int(d) for d in entry["shape"])
            begin, stop = (int(x) for x in entry["data_offsets"])
        except (KeyError, TypeError, ValueError) as e:
            raise _corrupt(path, f"its entry for {name!r} is malformed ({e!r})") from None
        if min(shape, default=0) < 0 or stop - begin != dtype.itemsize * math.prod(shape):
            raise _corrupt(path, f"entry {name!r}: shape {list(shape)} does not fit its bytes")
        spans.append((begin, stop, name))
        entries[name] = (dtype, shape, (begin, stop))
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise _corrupt(path, f"entry {name!r} does not start where the previous one ended")
        end = stop
    if end != len(data):
        raise _corrupt(path, f"its arrays take {end} bytes but the file holds {len(data)}")
    return {name: (dtype, shape, data[b:e]) for name, (dtype, shape, (b, e)) in entries.items()}


def to_array(dtype, shape, raw) -> np.ndarray:
    """A read-only array on the bytes of one entry (bools normalised to 0/1)."""
    array = np.frombuffer(raw, dtype=dtype).reshape(shape)
    if dtype.kind == "b":
        array = array.view(np.uint8) != 0
    return array.astype(dtype.newbyteorder("="), copy=False)


def _corrupt(path: str, why: str) -> errors.DataLossError:
    return errors.DataLossError(
        None,
        None,
        (
            f"Checkpoint file {path} is corrupted: {why}. Nothing was restored; restore an earlier "
            "checkpoint (see the 'checkpoint' file's all_model_checkpoint_paths)."
        ),
    )


def os_error(error: OSError, doing: str) -> errors.OpError:
    """The tf.errors exception for an OSError, as TF1 maps errno values."""
    kind = {
        errno.ENOSPC: errors.ResourceExhaustedError,
        errno.EDQUOT: errors.ResourceExhaustedError,
        errno.ENOENT: errors.NotFoundError,
        errno.EACCES: errors.PermissionDeniedError,
        errno.EPERM: errors.PermissionDeniedError,
        errno.EROFS: errors.PermissionDeniedError,
    }.get(error.errno, errors.UnknownError)
    return kind(None, None, f"{doing}: {error.strerror or error}.")


def write_atomically(path: str, fill) -> None:
    """Calls fill(file) on a temporary file beside `path`, fsyncs it, renames it to `path`
    and fsyncs the folder: a crash leaves either the old file or the complete new one."""
    folder, base = os.path.split(path)
    temp = os.path.join(folder, f".{base}{_TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(temp, "xb") as file:
            fill(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(folder)


def sync_folder(folder: str) -> None:
    """fsyncs a folder so that renames in it survive a power loss (a no-op where unsupported)."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (and Windows) cannot fsync a folder
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: str) -> None:
    """Deletes temporary files left by saves whose process has died (killed mid-save)."""
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return
    for name in names:
        if not name.startswith(".") or _TEMP_MARK not in name:
            continue
        pid = name.rpartition(_TEMP_MARK)[2].partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
