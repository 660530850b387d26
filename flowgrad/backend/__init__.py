"""The array module kernels run on: NumPy by default; CuPy can drop in later."""

from __future__ import annotations

import numpy

DEFAULT = numpy


def get(name: str | None = None):
    """The array module called `name` ('numpy' or 'cupy'); NumPy when None."""
    if name in (None, "numpy"):
        return numpy
    if name == "cupy":
        import cupy

        return cupy
    raise ValueError(f"Unknown backend {name!r}: choose 'numpy' or 'cupy'")
