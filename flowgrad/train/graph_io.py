"""tf.train.write_graph: a graph's GraphDef written to a file, as text or binary."""

from __future__ import annotations

import os


def write_graph(graph_or_graph_def, logdir, name, as_text=True) -> str:
    """Writes the GraphDef of a Graph (or a GraphDef) to logdir/name; returns the path."""
    graph_def = graph_or_graph_def
    if hasattr(graph_def, "as_graph_def"):
        graph_def = graph_def.as_graph_def()
    if as_text:
        from google.protobuf import text_format  # with TensorBoard's protobufs, lazily

        data = text_format.MessageToString(graph_def).encode()
    else:
        data = graph_def.SerializeToString(deterministic=True)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    with open(path, "wb") as file:
        file.write(data)
    return path
