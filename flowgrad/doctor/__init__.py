"""The loss-curve doctor: read training curves and say what went wrong, and why.

`diagnose(steps, values, validation=None)` reads one curve; `diagnose_logdir(logdir)` every
loss-like series in TensorBoard event files; `flowgrad doctor LOGDIR` prints the report."""

from flowgrad.doctor.analysis import Diagnosis, Finding, diagnose, least_squares_loss
from flowgrad.doctor.reader import Pair, Series, read_scalars, select
from flowgrad.doctor.report import diagnose_logdir

__all__ = ["Diagnosis", "Finding", "Pair", "Series", "diagnose", "diagnose_logdir",
           "least_squares_loss", "read_scalars", "select"]
