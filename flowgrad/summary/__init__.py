"""tf.summary: summary ops (scalar, histogram, image, text), merge/merge_all, and FileWriter,
which writes event files for TensorBoard. TensorBoard's protobufs load only when first used."""

from flowgrad.ops.summary_ops import (
    histogram,
    image,
    merge,
    merge_all,
    scalar,
    tensor_summary,
    text,
)
from flowgrad.summary.writer import FileWriter

_PROTOS = ("Summary", "SummaryMetadata", "HistogramProto", "Event", "SessionLog")


def __getattr__(name):
    """tf.summary.Summary, Event, SessionLog, ...: TensorBoard's protobuf classes, loaded lazily."""
    if name in _PROTOS:
        from flowgrad.summary import proto

        return getattr(proto, name)
    raise AttributeError(f"module 'flowgrad.summary' has no attribute '{name}'")


__all__ = ["Event", "FileWriter", "HistogramProto", "SessionLog", "Summary", "SummaryMetadata",
           "histogram", "image", "merge", "merge_all", "scalar", "tensor_summary", "text"]
