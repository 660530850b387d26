"""TF1's Session configuration classes, accepted so TF1 programs run: flowgrad runs every op on
its one backend, so their fields are kept and ignored."""

from __future__ import annotations

import warnings

from flowgrad.errors import FlowgradWarning


class GPUOptions:
    """Accepted for TF1 compatibility (config.gpu_options.allow_growth = True); ignored."""

    def __init__(self, **fields):
        self.allow_growth = False
        self.per_process_gpu_memory_fraction = 0.0
        self.visible_device_list = ""
        self.__dict__.update(fields)


class ConfigProto:
    """Accepted so TF1 programs run; its fields are kept and ignored (noted once)."""

    _noted = False

    def __init__(self, **fields):
        self.gpu_options = GPUOptions()
        self.__dict__.update(fields)
        if fields and not ConfigProto._noted:
            ConfigProto._noted = True
            warnings.warn(f"flowgrad ignores ConfigProto fields {sorted(fields)}: it runs every "
                          "op on its one backend.", FlowgradWarning, stacklevel=2)


class RunOptions:
    """Accepted for TF1 compatibility; ignored."""

    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = range(4)  # TF1's TraceLevel

    def __init__(self, **fields):
        self.__dict__.update(fields)


class RunMetadata:
    """Accepted for TF1 compatibility; nothing is recorded."""
