"""`flowgrad board LOGDIR [--port N]`: starts the real TensorBoard program on 127.0.0.1 over a
log folder and prints its URL. `launch` is the same thing for programs and tests."""

from __future__ import annotations

import collections
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Self

_BANNER = re.compile(r"TensorBoard \S+ at (http://\S+?)/? \(Press CTRL\+C to quit\)")


class Server:
    """A running TensorBoard process: `url`, `process`, the last lines of its log, `stop()`."""

    def __init__(self, process: subprocess.Popen, url: str, log: collections.deque):
        self.process = process
        self.url = url
        self.log = log

    def stop(self, timeout: float = 10.0) -> None:
        """Stops the server (terminate, then kill if it lingers)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def launch(logdir, port: int = 6006, host: str = "127.0.0.1", extra_args=(),
           timeout: float = 60.0) -> Server:
    """Starts `tensorboard --logdir LOGDIR` and returns once its start-up banner gives the URL.

    port 0 picks a free port. Raises RuntimeError (with TensorBoard's own messages) if it exits
    or prints no banner within `timeout` seconds."""
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", os.fspath(logdir),
               "--host", host, "--port", str(port), *extra_args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, errors="replace")
    log: collections.deque = collections.deque(maxlen=50)
    lines: queue.Queue = queue.Queue()

    def drain():  # keep reading: a full stderr pipe would block the server
        for line in process.stderr:
            log.append(line.rstrip())
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True, name="tensorboard stderr").start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"TensorBoard printed no URL within {timeout:.0f} s; its "
                                   "log:\n" + "\n".join(log)) from None
            if line is None:
                process.wait()
                raise RuntimeError(f"TensorBoard exited with code {process.returncode} before "
                                   "serving; its log:\n" + "\n".join(log))
            match = _BANNER.search(line)
            if match:
                return Server(process, match.group(1), log)
    except BaseException:
        Server(process, "", log).stop()
        raise


def add_arguments(parser) -> None:
    """The `board` subcommand's arguments."""
    parser.add_argument("logdir", help="folder of runs (each subfolder with event files is a run)")
    parser.add_argument("--port", type=int, default=6006, help="port (0 picks a free one)")


def run(args) -> int:
    """Runs TensorBoard until Ctrl+C."""
    if not os.path.isdir(args.logdir):
        print(f"flowgrad board: '{args.logdir}' is not a folder; write runs there with "
              "tf.summary.FileWriter first.", file=sys.stderr)
        return 2
    try:
        server = launch(args.logdir, port=args.port)
    except RuntimeError as e:
        print(f"flowgrad board: {e}", file=sys.stderr)
        return 1
    print(f"TensorBoard is serving {args.logdir} at {server.url}/ (Ctrl+C stops it)", flush=True)
    # SIGTERM unwinds like Ctrl+C, so TensorBoard is stopped with us rather than orphaned
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
