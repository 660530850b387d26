"""Fetch structures: flatten nested lists/tuples/dicts/namedtuples of fetches, and rebuild them."""

from __future__ import annotations

from collections.abc import Mapping

from flowgrad.errors import InvalidArgumentError
from flowgrad.framework.graph import Operation, Tensor


class FetchError(InvalidArgumentError, TypeError):
    """A fetch that is not a Tensor, Operation, Variable, name or structure of them."""


def flatten(fetches, graph):
    """(leaves, rebuild): graph elements in order, and a function putting values back."""
    # fast paths for what training loops fetch: one element, or a flat list of them
    kind = type(fetches)
    if kind in _ELEMENTS and fetches.graph is graph:
        return [fetches], _only
    if kind is list and all(type(f) in _ELEMENTS and f.graph is graph for f in fetches):
        return fetches, list
    leaves = []
    rebuild = _flatten(fetches, graph, leaves)
    return leaves, rebuild


_ELEMENTS = (Tensor, Operation)


def _only(values):
    return values[0]


def _flatten(fetch, graph, leaves):
    if isinstance(fetch, (Tensor, Operation, str)) or hasattr(fetch, "_as_graph_element"):
        index = len(leaves)
        leaves.append(_element(fetch, graph))
        return lambda values: values[index]
    if isinstance(fetch, Mapping):
        keys = list(fetch)
        parts = [_flatten(fetch[k], graph, leaves) for k in keys]
        kind = type(fetch)
        return lambda values: kind(zip(keys, (p(values) for p in parts)))
    if isinstance(fetch, (list, tuple)):
        parts = [_flatten(f, graph, leaves) for f in fetch]
        if isinstance(fetch, tuple) and hasattr(fetch, "_fields"):
            kind = type(fetch)
            return lambda values: kind(*(p(values) for p in parts))
        kind = type(fetch)
        return lambda values: kind(p(values) for p in parts)
    raise FetchError(None, None, (
        f"Fetch argument {fetch!r} has invalid type {type(fetch)}: must be a Tensor, an "
        "Operation, a Variable, a tensor or op name, or a list/tuple/dict of them."))


def _element(fetch, graph):
    try:
        return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
    except (KeyError, ValueError, TypeError) as e:
        where = "another graph" if "not an element of this graph" in str(e) else None
        message = (f"Fetch argument {fetch!r} cannot be interpreted as a Tensor: it belongs to "
                   f"{where} than this Session's." if where else
                   f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({e})")
        raise FetchError(None, None, message) from None
