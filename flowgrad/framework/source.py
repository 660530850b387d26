"""Where the user created something: the first stack frame outside the flowgrad package."""

from __future__ import annotations

import contextlib
import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_CONTEXTLIB = contextlib.__file__  # the `with` machinery between a scope and its user


def user_site() -> tuple[str, int]:
    """(filename, lineno) of the innermost caller outside flowgrad (tests count as users)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if (not filename.startswith(_PACKAGE_DIR) and not filename.startswith("<frozen")
                and filename != _CONTEXTLIB):
            return filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


def format_site(site: tuple[str, int] | None) -> str:
    """'train.py:14' for a (filename, lineno) pair."""
    if not site:
        return "<unknown>"
    return f"{os.path.basename(site[0])}:{site[1]}"
