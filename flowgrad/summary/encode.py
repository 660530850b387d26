"""Host-side encoders for summary kernels and graph export: serialized Summary protos, PNG
images and TensorProtos, from NumPy arrays (kernels convert backend arrays with to_numpy)."""

from __future__ import annotations

import struct
import zlib

import numpy as np

from flowgrad import dtypes
from flowgrad.summary import proto


def strings(value) -> list[bytes]:
    """The elements of a string tensor value (bytes, str or an object array) as bytes."""
    if isinstance(value, (bytes, str)):
        items = [value]
    else:
        items = value.ravel().tolist()
    return [v.encode() if isinstance(v, str) else bytes(v) for v in items]


def string_scalar(data: bytes) -> np.ndarray:
    """A 0-d object array holding `data` (np.array(bytes) would make an 'S' array and strip
    trailing NUL bytes)."""
    out = np.empty((), dtype=object)
    out[()] = data
    return out


def scalars(tags, values) -> bytes:
    """A Summary with one simple_value per (tag, value) pair."""
    tag_list = strings(tags)
    shape = getattr(tags, "shape", ())
    if shape != values.shape:
        raise ValueError(f"tags and values not the same shape: {list(shape)} != "
                         f"{list(values.shape)}")
    return proto.Summary(value=[proto.Summary.Value(tag=t.decode(), simple_value=float(v))
                                for t, v in zip(tag_list, values.ravel().tolist())]
                         ).SerializeToString()


def histogram(tag: bytes, stats, num: int, limits, counts) -> bytes:
    """A Summary with one HistogramProto; runs of empty buckets collapse into one, as TF1's."""
    highs, buckets = [], []
    previous = -1
    for i in (i for i, c in enumerate(counts) if c):
        if i > previous + 1:
            highs.append(limits[i - 1])
            buckets.append(0.0)
        highs.append(limits[i])
        buckets.append(float(counts[i]))
        previous = i
    if previous < len(counts) - 1:
        highs.append(limits[-1])
        buckets.append(0.0)
    low, high, total, squares = stats
    histo = proto.HistogramProto(min=low, max=high, num=num, sum=total, sum_squares=squares,
                                 bucket_limit=highs, bucket=buckets)
    return proto.Summary(value=[proto.Summary.Value(tag=tag.decode(), histo=histo)]
                         ).SerializeToString()


def images(tag, batch, max_images: int) -> bytes:
    """A Summary with one PNG per HxWxC uint8 image: tags 'tag/image' or 'tag/image/<i>'."""
    (base,) = strings(tag)
    values = []
    for i, image in enumerate(batch):
        height, width, channels = image.shape
        name = f"{base.decode()}/image" + (f"/{i}" if max_images > 1 else "")
        encoded = proto.Summary.Image(height=height, width=width, colorspace=channels,
                                      encoded_image_string=png(image))
        values.append(proto.Summary.Value(tag=name, image=encoded))
    return proto.Summary(value=values).SerializeToString()


def png(image) -> bytes:
    """A PNG file for an HxWxC uint8 image (C = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)."""
    height, width, channels = image.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = image.reshape(height, width * channels)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def plugin_metadata(plugin_name: str, content: bytes = b""):
    """SummaryMetadata naming the TensorBoard plugin that shows a tensor summary."""
    data = proto.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content)
    return proto.SummaryMetadata(plugin_data=data)


def summary_metadata(metadata=None, description=None, display_name=None) -> bytes:
    """Serialized SummaryMetadata (a proto or its bytes), with description/display name set."""
    if isinstance(metadata, (bytes, bytearray)):
        metadata = proto.SummaryMetadata.FromString(bytes(metadata))
    out = proto.SummaryMetadata()
    if metadata is not None:
        out.CopyFrom(metadata)
    if description is not None:
        out.summary_description = description
    if display_name is not None:
        out.display_name = display_name
    return out.SerializeToString()


def tensor_summary(tag, array, serialized_metadata) -> bytes:
    """A Summary with one tensor value and its plugin metadata."""
    (name,) = strings(tag)
    (metadata,) = strings(serialized_metadata)
    value = proto.Summary.Value(tag=name.decode(), tensor=tensor_proto(array),
                                metadata=proto.SummaryMetadata.FromString(metadata))
    return proto.Summary(value=[value]).SerializeToString()


def merge(inputs) -> bytes:
    """The union of serialized Summaries; TF1's error for a (non-empty) tag seen twice."""
    parts = [p for x in inputs for p in strings(x)]
    seen = set()
    for part in parts:
        for value in proto.Summary.FromString(part).value:
            if value.tag and value.tag in seen:
                raise ValueError(f"Duplicate tag {value.tag} found in summary inputs")
            seen.add(value.tag)
    # a Summary has one repeated field, so concatenated messages parse as their merge
    return b"".join(parts)


def shape_proto(dims):
    """A TensorShapeProto: None dims are -1; dims None is an unknown rank."""
    if dims is None:
        return proto.TensorShapeProto(unknown_rank=True)
    return proto.TensorShapeProto(dim=[proto.TensorShapeProto.Dim(size=-1 if d is None else d)
                                       for d in dims])


def tensor_proto(array, with_content: bool = True):
    """A TensorProto for a NumPy array (strings in string_val, numbers in tensor_content)."""
    dtype = dtypes.as_dtype(array.dtype)
    out = proto.TensorProto(dtype=dtype.as_datatype_enum, tensor_shape=shape_proto(array.shape))
    if with_content:
        if dtype == dtypes.string:
            out.string_val.extend(strings(array))
        else:
            out.tensor_content = array.astype(array.dtype.newbyteorder("<")).tobytes()
    return out
