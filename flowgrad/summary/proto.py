"""The one module that imports the `tensorboard` package: its protocol buffers (Event, Summary,
GraphDef, ...) and, for the loss-curve doctor, its event readers. Those modules are not a
documented API of tensorboard, so every use goes through here; flowgrad imports this module
lazily (only when a summary runs, a writer opens or the doctor reads)."""

from __future__ import annotations

from tensorboard.compat.proto import (
    attr_value_pb2,
    event_pb2,
    graph_pb2,
    node_def_pb2,
    summary_pb2,
    tensor_pb2,
    tensor_shape_pb2,
)

Event = event_pb2.Event
SessionLog = event_pb2.SessionLog
TaggedRunMetadata = event_pb2.TaggedRunMetadata
SourceMetadata = event_pb2.SourceMetadata
Summary = summary_pb2.Summary
SummaryMetadata = summary_pb2.SummaryMetadata
HistogramProto = summary_pb2.HistogramProto
GraphDef = graph_pb2.GraphDef
NodeDef = node_def_pb2.NodeDef
AttrValue = attr_value_pb2.AttrValue
TensorProto = tensor_pb2.TensorProto
TensorShapeProto = tensor_shape_pb2.TensorShapeProto


def event_readers():
    """TensorBoard's own plugin-aware readers, imported on first use: (plugin_event_accumulator,
    plugin_event_multiplexer, tensor_util)."""
    from tensorboard.backend.event_processing import (
        plugin_event_accumulator,
        plugin_event_multiplexer,
    )
    from tensorboard.util import tensor_util

    return plugin_event_accumulator, plugin_event_multiplexer, tensor_util
