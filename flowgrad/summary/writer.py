"""FileWriter: TensorBoard event files (TFRecord framing, masked CRC32C), one per writer.

Events wait in memory until `max_queue` of them are pending, `flush_secs` pass, or flush() or
close() is called; then they are written whole, so a file on disk always ends at an event
boundary unless the process dies mid-write (TensorBoard's reader skips a truncated last record).
Every writer still open when the program exits normally is closed by an exit hook, so programs
that never call close() (as the book's don't) lose nothing."""

from __future__ import annotations

import atexit
import itertools
import os
import socket
import struct
import sys
import threading
import time
import warnings
from typing import Self

from flowgrad.errors import DataLossError, FlowgradWarning, NotFoundError

_open_writers: set = set()
_file_counter = itertools.count()
_registry_lock = threading.Lock()
_exit_hook_installed = False


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC32C. The `crc32c` package's C code: tensorboard's own is pure Python
    (about 110 ms per MiB here, some 3000x slower), too slow for histograms, images and graphs."""
    import crc32c  # imported when a record is first written: `import flowgrad` stays light

    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    """One TFRecord: length, its masked CRC, the data, the data's masked CRC (little-endian)."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def summary_iterator(path):
    """The Event protos of an event file, in order (tf.train.summary_iterator); a record whose
    length or checksum is wrong raises DataLossError."""
    from flowgrad.summary import proto

    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise NotFoundError(None, None, f"{path}; No such file or directory") from None
    offset = 0
    while offset < len(data):
        header = data[offset:offset + 12]
        length = struct.unpack("<Q", header[:8])[0] if len(header) == 12 else 0
        body = data[offset + 12:offset + 12 + length]
        footer = data[offset + 12 + length:offset + 16 + length]
        if (len(header) < 12 or len(footer) < 4
                or header[8:] != struct.pack("<I", masked_crc32c(header[:8]))
                or footer != struct.pack("<I", masked_crc32c(body))):
            raise DataLossError(None, None, f"truncated or corrupted record at byte {offset} "
                                            f"of {path}")
        yield proto.Event.FromString(body)
        offset += 16 + length


def _should_write(all_ranks: bool) -> bool:
    state = sys.modules.get("flowgrad.distributed.state")  # never imported: never initialized
    return state is None or state.should_write(all_ranks)


def _close_all_at_exit() -> None:
    for writer in list(_open_writers):
        writer.close()


class FileWriter:
    """Writes Summary protos, the graph and other events to an event file in `logdir`.

    `graph` (a Graph; a GraphDef is accepted too) is written first when given. `session` (TF2's
    summary-writer resources) is not supported. Reusing a folder that already holds another run's
    event files warns: TensorBoard would draw the two runs as one. After
    flowgrad.distributed.init(), only rank 0 writes, unless `all_ranks`."""

    def __new__(cls, *args, all_ranks=False, **kwargs):
        # after flowgrad.distributed.init(), workers other than rank 0 write nothing
        if cls is FileWriter and not _should_write(all_ranks):
            return super().__new__(_SilentFileWriter)
        return super().__new__(cls)

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix="", session=None, all_ranks=False):
        if session is not None:
            raise NotImplementedError("FileWriter(session=...) is not supported by flowgrad: "
                                      "leave session out (events are written by the writer).")
        self._logdir = os.fspath(logdir)
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = float(flush_secs)
        self._suffix = filename_suffix or ""
        self._lock = threading.RLock()
        self._seen_tags: set = set()
        self._closed = True
        self._warn_if_shared()
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _warn_if_shared(self) -> None:
        try:
            others = sorted(n for n in os.listdir(self._logdir) if "tfevents" in n)
        except (FileNotFoundError, NotADirectoryError):
            return
        if others:
            warnings.warn(
                f"FileWriter: '{self._logdir}' already holds {len(others)} event file(s) of "
                f"another run (e.g. {others[0]}); TensorBoard will draw both runs as one run, "
                "with tangled curves. Give each run its own folder (e.g. runs/<name>), or "
                "delete the old files.", FlowgradWarning, stacklevel=3)

    def _open(self) -> None:
        global _exit_hook_installed
        os.makedirs(self._logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_file_counter)}{self._suffix}")
        self._path = os.path.join(self._logdir, name)
        # a raw descriptor: events are buffered above, so one flush is one write(2)
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._pending: list[bytes] = []
        self._closed = False
        with _registry_lock:
            _open_writers.add(self)
            if not _exit_hook_installed:
                atexit.register(_close_all_at_exit)
                _exit_hook_installed = True
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_periodically, daemon=True,
                                         name=f"FileWriter flusher {name}")
        self._flusher.start()
        from flowgrad.summary import proto

        self.add_event(proto.Event(wall_time=time.time(), file_version="brain.Event:2",
                                   source_metadata=proto.SourceMetadata(writer="flowgrad")))
        self.flush()

    def _flush_periodically(self) -> None:
        while not self._stop.wait(self._flush_secs):
            with self._lock:
                if not self._closed:
                    self._write_pending()

    def _write_pending(self) -> None:
        data = memoryview(b"".join(self._pending))
        self._pending.clear()
        while data:
            data = data[os.write(self._fd, data):]

    def get_logdir(self) -> str:
        """The folder this writer writes into."""
        return self._logdir

    def add_event(self, event) -> None:
        """Queues an Event proto as it is (no wall time or step added)."""
        data = event.SerializeToString()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"FileWriter for '{self._logdir}' is closed: call reopen() "
                                   "before adding events.")
            self._pending.append(frame(data))
            if len(self._pending) >= self._max_queue:
                self._write_pending()

    def _add_event(self, event, global_step) -> None:
        event.wall_time = time.time()
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_summary(self, summary, global_step=None) -> None:
        """Adds a Summary (the bytes a summary op's run returns, or a Summary proto) at a step."""
        from flowgrad.summary import proto

        if hasattr(summary, "_as_graph_element"):
            raise TypeError(f"add_summary got the graph tensor {summary!r}, not its value: run "
                            "it first, e.g. writer.add_summary(sess.run(merged), step).")
        if not isinstance(summary, proto.Summary):
            if not isinstance(summary, (bytes, bytearray)):
                summary = getattr(summary, "item", lambda: summary)()
            if not isinstance(summary, (bytes, bytearray)):
                raise TypeError(f"add_summary needs a serialized Summary (bytes) or a Summary "
                                f"proto, got {type(summary).__name__}")
            summary = proto.Summary.FromString(bytes(summary))
        with self._lock:
            # plugin metadata is needed once per tag, as TF1 writes it
            for value in summary.value:
                if value.HasField("metadata"):
                    if value.tag in self._seen_tags:
                        value.ClearField("metadata")
                    else:
                        self._seen_tags.add(value.tag)
            self._add_event(proto.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None) -> None:
        """Adds a SessionLog proto (START, STOP, CHECKPOINT) at a step."""
        from flowgrad.summary import proto

        self._add_event(proto.Event(session_log=session_log), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None) -> None:
        """Records a run's metadata under `tag` (flowgrad's RunMetadata is empty: TensorBoard
        lists the tag); ValueError if the tag was used before, as in TF1."""
        from flowgrad.summary import proto

        if ("run_metadata", tag) in self._seen_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._seen_tags.add(("run_metadata", tag))
        data = getattr(run_metadata, "SerializeToString", lambda: b"")()
        tagged = proto.TaggedRunMetadata(tag=tag, run_metadata=data)
        self._add_event(proto.Event(tagged_run_metadata=tagged), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Adds the graph (a flowgrad Graph, or a GraphDef) for TensorBoard's Graphs dashboard."""
        from flowgrad.summary import graph_def as export
        from flowgrad.summary import proto

        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if isinstance(graph, proto.GraphDef):
            graph, graph_def = None, graph
        if graph is not None:
            graph_def = export.as_graph_def(graph, add_shapes=True)
        if graph_def is None:
            raise TypeError("add_graph needs a Graph (e.g. sess.graph) or a GraphDef.")
        self._add_event(proto.Event(graph_def=graph_def.SerializeToString()), global_step)

    def flush(self) -> None:
        """Writes every pending event to disk (and syncs the file)."""
        with self._lock:
            if not self._closed:
                self._write_pending()
                os.fsync(self._fd)

    def close(self) -> None:
        """Flushes and closes the event file; reopen() starts a new one in the same folder."""
        with self._lock:
            if self._closed:
                return
            self.flush()
            self._closed = True
            os.close(self._fd)
            self._stop.set()
        with _registry_lock:
            _open_writers.discard(self)
        if threading.current_thread() is not self._flusher:
            self._flusher.join()

    def reopen(self) -> None:
        """After close(), opens a new event file in the same folder; otherwise does nothing."""
        with self._lock:
            if self._closed:
                self._open()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<FileWriter '{self._path}' ({state})>"


class _SilentFileWriter(FileWriter):
    """FileWriter on a worker other than rank 0 after flowgrad.distributed.init(): it takes
    every call and writes nothing (no folder, no file)."""

    def __init__(self, logdir, *args, **kwargs):
        self._logdir = os.fspath(logdir)
        self._path = os.devnull
        self._closed = False

    def add_event(self, event) -> None:
        """Writes nothing."""

    def add_summary(self, summary, global_step=None) -> None:
        """Writes nothing."""

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Writes nothing."""

    def add_run_metadata(self, run_metadata, tag, global_step=None) -> None:
        """Writes nothing."""

    def flush(self) -> None:
        """Writes nothing."""

    def close(self) -> None:
        """Writes nothing."""

    def reopen(self) -> None:
        """Writes nothing."""
