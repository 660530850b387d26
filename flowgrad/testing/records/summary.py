"""Summary ops read values and emit serialized protos: kind 'io', so the generic suites skip them
and tests/test_summary.py covers them by topic."""

from flowgrad.ops import summary_ops
from flowgrad.testing.op_info import OpInfo

RECORDS = [
    OpInfo("scalar_summary", summary_ops.scalar, types=("ScalarSummary",), kind="io", grad=0),
    OpInfo("histogram_summary", summary_ops.histogram, types=("HistogramSummary",), kind="io",
           grad=0),
    OpInfo("image_summary", summary_ops.image, types=("ImageSummary",), kind="io", grad=0),
    OpInfo("tensor_summary", summary_ops.tensor_summary, types=("TensorSummaryV2",), kind="io",
           grad=0),
    OpInfo("merge_summary", summary_ops.merge, types=("MergeSummary",), kind="io", grad=0),
]
