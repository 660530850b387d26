"""Summary ops: each run outputs a serialized `Summary` protobuf (a 0-d string tensor, returned
by Session.run as bytes) for FileWriter.add_summary. Tags take the enclosing name scope and are
uniquified as TF1's are (`summaries/loss`, `summaries/loss_1`)."""

from __future__ import annotations

import contextlib
import re

from flowgrad import dtypes
from flowgrad.backend.compat import to_numpy
from flowgrad.framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from flowgrad.framework.registry import NotDifferentiable, Spec, convert_to_tensor, register_op
from flowgrad.ops.array_ops import constant

# TF1's histogram buckets: ±1e-12 growing by 10% up to 1e20, ±DBL_MAX at the ends, and 0
_DBL_MAX = 1.7976931348623157e308
_positive = [1e-12]
while _positive[-1] * 1.1 < 1e20:
    _positive.append(_positive[-1] * 1.1)
_positive.append(_DBL_MAX)
BUCKET_LIMITS = [-v for v in reversed(_positive)] + [0.0] + _positive
_limits_by_backend: dict = {}

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/A-Za-z0-9_.]")
_IMAGE_DTYPES = (dtypes.uint8, dtypes.float16, dtypes.float32, dtypes.float64)


def _encode():
    from flowgrad.summary import encode

    return encode


class _SummaryOp(NotDifferentiable):
    """A summary op: reads values, outputs serialized Summary bytes; writes nothing itself."""

    kind = "io"


def _require_string(tensor, what):
    if tensor.dtype != dtypes.string:
        raise TypeError(f"{what} must be a string tensor, got {tensor.dtype.name}")


def _string(data: bytes):
    """A 0-d string array holding `data` (host memory: strings never live on an accelerator);
    Session.run hands it out as bytes."""
    return _encode().string_scalar(data)


def _host(xp, array):
    return to_numpy(xp, xp.asarray(array))


@register_op
class ScalarSummary(_SummaryOp):
    """Summary values (simple_value) for real numbers, one per tag."""

    def infer(self, tags, values):
        _require_string(tags, "tags")
        if not values.dtype.is_numeric:
            raise TypeError(f"a scalar summary needs a real number tensor, got {values.dtype.name}")
        if not tags.shape.is_compatible_with(values.shape):
            raise ValueError(f"tags and values must have the same shape: tags {tags.shape}, "
                             f"values {values.shape} (summarize one number, e.g. a reduce_mean, "
                             "or use tf.summary.histogram for a tensor)")
        return Spec((), dtypes.string)

    def forward(self, xp, tags, values):
        return _string(_encode().scalars(tags, _host(xp, values)))


@register_op
class HistogramSummary(_SummaryOp):
    """A histogram of all values, in TF1's exponential buckets."""

    def infer(self, tag, values):
        _require_string(tag, "tag")
        if not (values.dtype.is_numeric or values.dtype.is_bool):
            raise TypeError(f"a histogram needs a real number tensor, got {values.dtype.name}")
        return Spec((), dtypes.string)

    def forward(self, xp, tag, values):
        (tag,) = _encode().strings(tag)
        v = xp.asarray(values, dtype=xp.float64).ravel()
        if v.size and not bool(xp.isfinite(v).all()):
            raise ValueError(f"Nan in summary histogram for: {tag.decode()} (the values hold "
                             "NaN or Inf)")
        limits = _limits_by_backend.get(xp.__name__)
        if limits is None:
            limits = _limits_by_backend[xp.__name__] = xp.asarray(BUCKET_LIMITS)
        index = xp.minimum(xp.searchsorted(limits, v, side="right"), len(BUCKET_LIMITS) - 1)
        counts = to_numpy(xp, xp.bincount(index, minlength=len(BUCKET_LIMITS))).tolist()
        if v.size:
            stats = [float(s) for s in (v.min(), v.max(), v.sum(), (v * v).sum())]
        else:
            stats = [_DBL_MAX, -_DBL_MAX, 0.0, 0.0]
        return _string(_encode().histogram(tag, stats, int(v.size), BUCKET_LIMITS, counts))


@register_op
class ImageSummary(_SummaryOp):
    """Up to `max_images` PNG images from an NHWC batch (1, 3 or 4 channels)."""

    def infer(self, tag, tensor, *, max_images, bad_color):
        _require_string(tag, "tag")
        if tensor.dtype not in _IMAGE_DTYPES:
            raise TypeError(f"images must be uint8, float16, float32 or float64, got "
                            f"{tensor.dtype.name}")
        shape = tensor.shape
        if shape.ndims is not None and shape.ndims != 4:
            raise ValueError(f"images must be 4-D [batch, height, width, channels], got {shape}")
        if shape.ndims == 4 and shape[3].value not in (None, 1, 3, 4):
            raise ValueError(f"images must have 1, 3 or 4 channels, got {shape[3].value}")
        if max_images < 1:
            raise ValueError(f"max_outputs must be at least 1, got {max_images}")
        return Spec((), dtypes.string)

    def forward(self, xp, tag, tensor, *, max_images, bad_color):
        images = []
        for image in tensor[:max_images]:
            if image.dtype != xp.uint8:
                image = _to_uint8(xp, image, bad_color)
            images.append(to_numpy(xp, image))
        return _string(_encode().images(tag, images, max_images))


def _to_uint8(xp, image, bad_color):
    """TF1's float image mapping: [0, max] -> [0, 255], or [-m, m] -> [1, 255] around 128;
    pixels with a non-finite channel get `bad_color`."""
    x = image.astype(xp.float64 if image.dtype == xp.float64 else xp.float32)
    finite = xp.isfinite(x).all(axis=-1)
    x = xp.where(finite[..., None], x, 0)
    low = float(x[finite].min()) if bool(finite.any()) else 0.0
    high = float(x[finite].max()) if bool(finite.any()) else 0.0
    if low < 0:
        largest = max(abs(low), abs(high))
        scale, offset = (0.0 if largest < 1e-6 else 127.0 / largest), 128.0
    else:
        scale, offset = (0.0 if high < 1e-6 else 255.0 / high), 0.0
    out = (x * scale + offset).astype(xp.uint8)
    bad = xp.asarray(bad_color[: out.shape[-1]], dtype=xp.uint8)
    return xp.where(finite[..., None], out, bad)


@register_op
class TensorSummaryV2(_SummaryOp):
    """A whole tensor as a TensorProto, tagged, with plugin metadata (text summaries use it)."""

    def infer(self, tag, tensor, serialized_summary_metadata):
        _require_string(tag, "tag")
        _require_string(serialized_summary_metadata, "serialized_summary_metadata")
        return Spec((), dtypes.string)

    def forward(self, xp, tag, tensor, serialized_summary_metadata):
        host = tensor if tensor.dtype == object else _host(xp, tensor)
        return _string(_encode().tensor_summary(tag, host, serialized_summary_metadata))


@register_op
class MergeSummary(_SummaryOp):
    """The union of several serialized Summary protos; a tag twice is an error."""

    def infer(self, *inputs):
        for x in inputs:
            _require_string(x, "every input of a summary merge")
        return Spec((), dtypes.string)

    def forward(self, xp, *inputs):
        return _string(_encode().merge(inputs))


@contextlib.contextmanager
def _summary_scope(name, family, values):
    """TF1's summary_scope: yields (tag, scope); the tag is the uniquified scope name."""
    name = _clean_tag(name)
    family = _clean_tag(family) if family is not None else None
    with name_scope(name if family is None else f"{family}/{name}", values=values) as scope:
        tag = scope.rstrip("/")
        yield (tag if family is None else f"{family}/{tag}"), scope


def _clean_tag(name: str) -> str:
    """`name` with characters TensorBoard tags may not hold replaced by '_' (as TF1 does)."""
    return _INVALID_TAG_CHARACTERS.sub("_", str(name)).lstrip("/") or "summary"


def _collect(summary, collections, default):
    for key in default if collections is None else collections:
        add_to_collection(key, summary)
    return summary


def _values(tensor):
    return tensor if hasattr(tensor, "_as_graph_element") else convert_to_tensor(tensor,
                                                                                 name="values")


def scalar(name, tensor, collections=None, family=None):
    """A summary of one real number, tagged with the enclosing name scope and `name`."""
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        tags = constant(tag, name="tags")
        summary = ScalarSummary.apply(tags, _values(tensor), name=scope)
    return _collect(summary, collections, [GraphKeys.SUMMARIES])


def histogram(name, values, collections=None, family=None):
    """A summary of the distribution of `values` (TensorBoard's Histograms and Distributions)."""
    with _summary_scope(name, family, [values]) as (tag, scope):
        summary = HistogramSummary.apply(constant(tag, name="tag"), _values(values), name=scope)
    return _collect(summary, collections, [GraphKeys.SUMMARIES])


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A summary of up to `max_outputs` images of an NHWC batch (uint8, or floats rescaled)."""
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        summary = ImageSummary.apply(constant(tag, name="tag"), _values(tensor),
                                     max_images=int(max_outputs), bad_color=(255, 0, 0, 255),
                                     name=scope)
    return _collect(summary, collections, [GraphKeys.SUMMARIES])


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary holding the whole `tensor` (a TensorProto), with optional plugin metadata."""
    metadata = _encode().summary_metadata(summary_metadata, summary_description, display_name)
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        summary = TensorSummaryV2.apply(
            constant(tag, name="tag"), _values(tensor),
            constant(metadata, dtype=dtypes.string, name="serialized_summary_metadata"),
            name=scope)
    return _collect(summary, collections, [GraphKeys.SUMMARIES])


def text(name, tensor, collections=None):
    """A summary of a string tensor, shown (as Markdown) in TensorBoard's Text dashboard."""
    tensor = _values(tensor)
    if tensor.dtype != dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                         f"{tensor.dtype.name}")
    return tensor_summary(name, tensor, collections=collections,
                          summary_metadata=_encode().plugin_metadata("text"))


def merge(inputs, collections=None, name=None):
    """One summary holding the values of all `inputs` (serialized Summary tensors)."""
    inputs = list(inputs)
    with name_scope(name, "Merge", inputs):
        summary = MergeSummary.apply(*inputs, name=name or "MergeSummary")
    return _collect(summary, collections, [])


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """The merge of every summary in collection `key` (matching `scope`), or None if none."""
    summaries = get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None
