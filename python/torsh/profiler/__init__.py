r"""torsh.profiler: torch.profiler's API over torsh's CPU profiler.

profile (start/stop/step, schedule, on_trace_ready), schedule, ProfilerAction,
ProfilerActivity, record_function, tensorboard_trace_handler, supported_activities.
"""
from torsh.autograd.profiler import (  # noqa: F401
    DeviceType, ProfilerActivity, _ExperimentalConfig, kineto_available, record_function)
from torsh.autograd.profiler import _supported_activities  # noqa: F401
from torsh.profiler.profiler import (  # noqa: F401
    RecordScope, _KinetoProfile, profile, ProfilerAction, schedule, supported_activities,
    tensorboard_trace_handler)

__all__ = [
    "profile",
    "schedule",
    "supported_activities",
    "tensorboard_trace_handler",
    "ProfilerAction",
    "ProfilerActivity",
    "kineto_available",
    "DeviceType",
    "record_function",
]

from torsh.profiler import itt  # noqa: F401,E402
