"""torsh.profiler.profiler: torch.profiler's profile, schedule and trace handler."""
import enum
import gzip
import json
import os
import shutil
import tempfile
from functools import partial
from warnings import warn

import torsh.autograd.profiler as prof
from torsh.autograd.profiler import ProfilerActivity, kineto_available  # noqa: F401

__all__ = ["supported_activities", "ProfilerAction", "schedule", "tensorboard_trace_handler",
           "profile"]


class RecordScope(enum.Enum):
    """What a recorded range stands for (torch.profiler.RecordScope)."""
    FUNCTION = 0
    BACKWARD_FUNCTION = 1
    TORCHSCRIPT_FUNCTION = 2
    KERNEL_FUNCTION_DTYPE = 3
    CUSTOM_CLASS = 4
    BUILD_FEATURE = 5
    LITE_INTERPRETER = 6
    USER_SCOPE = 7
    STATIC_RUNTIME_OP = 8
    STATIC_RUNTIME_MODEL = 9


def supported_activities():
    """The activities this build can trace: {ProfilerActivity.CPU}."""
    return prof._supported_activities()


class _KinetoProfile(object):
    """The low-level profiler under profile: prepare/start/stop one trace and read it."""

    def __init__(self, *, activities=None, record_shapes=False, profile_memory=False,
                 with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None):
        self.activities = set(activities) if activities else supported_activities()
        self.record_shapes = record_shapes
        self.with_flops = with_flops
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.experimental_config = experimental_config
        self.profiler = None
        self._metadata = {}

    def start(self):
        self.prepare_trace()
        self.start_trace()

    def stop(self):
        self.stop_trace()

    def prepare_trace(self):
        self.profiler = prof.profile(
            use_cuda=(ProfilerActivity.CUDA in self.activities),
            use_cpu=(ProfilerActivity.CPU in self.activities),
            record_shapes=self.record_shapes, with_flops=self.with_flops,
            profile_memory=self.profile_memory, with_stack=self.with_stack,
            with_modules=self.with_modules, use_kineto=True,
            experimental_config=self.experimental_config)
        self.profiler._metadata = self._metadata
        self.profiler._prepare_trace()

    def start_trace(self):
        assert self.profiler is not None
        self.profiler._start_trace()

    def stop_trace(self):
        assert self.profiler is not None
        self.profiler.__exit__(None, None, None)

    def export_chrome_trace(self, path):
        """Writes the collected trace as Chrome-trace JSON (gzip-compressed if path ends in .gz)."""
        assert self.profiler
        if path.endswith(".gz"):
            fd, tmp = tempfile.mkstemp(suffix=".json")
            os.close(fd)
            try:
                result = self.profiler.export_chrome_trace(tmp)
                with open(tmp, "rb") as fin, gzip.open(path, "wb") as fout:
                    shutil.copyfileobj(fin, fout)
            finally:
                os.remove(tmp)
            return result
        return self.profiler.export_chrome_trace(path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Saves the stacks (with_stack=True) as flame-graph input."""
        assert self.profiler
        return self.profiler.export_stacks(path, metric)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """Events averaged by name (and optionally input shapes / stack)."""
        assert self.profiler
        return self.profiler.key_averages(group_by_input_shape, group_by_stack_n)

    def events(self):
        """The unaggregated events of the last finished trace."""
        assert self.profiler
        return self.profiler.function_events

    def add_metadata(self, key, value):
        """Adds a string entry to the trace file's top level."""
        self.add_metadata_json(key, "\"" + value.replace('"', '\\"') + "\"")

    def add_metadata_json(self, key, value):
        """Adds an entry whose value is a JSON text to the trace file's top level."""
        json.loads(value)
        self._metadata[key] = value


class ProfilerAction(enum.Enum):
    """What the profiler does during a step."""
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0):
    """A step -> ProfilerAction callable: skip `skip_first` steps, then cycle through `wait`
    idle steps, `warmup` steps and `active` recorded steps (the last one RECORD_AND_SAVE),
    `repeat` times (0: until profiling ends)."""
    def schedule_fn(step):
        assert step >= 0
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        if mod_step < num_steps - 1:
            return ProfilerAction.RECORD
        return ProfilerAction.RECORD_AND_SAVE

    assert wait >= 0 and warmup >= 0 and active > 0 and repeat >= 0 and skip_first >= 0, \
        "Invalid profiler schedule arguments"
    if warmup == 0:
        warn("Profiler won't be using warmup, this can skew profiler results")
    return schedule_fn


def _default_schedule_fn(_):
    """Without a schedule the profiler records every step."""
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An on_trace_ready callback writing each trace to
    dir_name/<worker_name>.<time in ms>.pt.trace.json[.gz] (worker_name: '<host>_<pid>')."""
    import socket
    import time

    def handler_fn(p):
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception:
                raise RuntimeError("Can't create directory: " + dir_name)
        if not worker_name:
            worker_name = "{}_{}".format(socket.gethostname(), str(os.getpid()))
        file_name = "{}.{}.pt.trace.json".format(worker_name, int(time.time() * 1000))
        if use_gzip:
            file_name = file_name + ".gz"
        p.export_chrome_trace(os.path.join(dir_name, file_name))
    return handler_fn


class profile(_KinetoProfile):
    """Profiler context manager (torch.profiler.profile).

    activities: {ProfilerActivity.CPU} by default (CUDA is dropped with a warning here);
    schedule: a step -> ProfilerAction callable (see schedule()); on_trace_ready: called with
    the profiler at the end of each active window; step() marks a step boundary. With a
    schedule each step is also recorded as a "ProfilerStep#<n>" range.
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False, with_flops=False,
                 with_modules=False, experimental_config=None, use_cuda=None):
        activities_set = set(activities) if activities else supported_activities()
        if use_cuda is not None:
            warn("use_cuda is deprecated, use activities argument instead")
            if use_cuda:
                activities_set.add(ProfilerActivity.CUDA)
            elif ProfilerActivity.CUDA in activities_set:
                activities_set.remove(ProfilerActivity.CUDA)
        assert len(activities_set) > 0, "No valid profiler activities found"
        super().__init__(activities=activities, record_shapes=record_shapes,
                         profile_memory=profile_memory, with_stack=with_stack,
                         with_flops=with_flops, with_modules=with_modules,
                         experimental_config=experimental_config)
        if schedule:
            self.schedule = schedule
            self.record_steps = True      # ProfilerStep#<n> ranges in the trace and table
        else:
            self.schedule = _default_schedule_fn
            self.record_steps = False
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)
        self.step_rec_fn = None
        A = ProfilerAction
        stop_and_save = [self.stop_trace, self._trace_ready]
        restart = [self.prepare_trace, self.start_trace]
        # (previous action, current action) -> what to do; None: the profiler is stopping
        self.action_map = {
            (A.NONE, A.NONE): [],
            (A.NONE, A.WARMUP): [self.prepare_trace],
            (A.NONE, A.RECORD): restart,
            (A.NONE, A.RECORD_AND_SAVE): restart,
            (A.WARMUP, A.NONE): [partial(warn, "Incorrect schedule: WARMUP followed by NONE"),
                                 self.start_trace, self.stop_trace],
            (A.WARMUP, A.WARMUP): [],
            (A.WARMUP, A.RECORD): [self.start_trace],
            (A.WARMUP, A.RECORD_AND_SAVE): [self.start_trace],
            (A.RECORD, A.NONE): [partial(warn, "Incorrect schedule: RECORD followed by NONE"),
                                 self.stop_trace],
            (A.RECORD, A.WARMUP): [partial(warn, "Incorrect schedule: RECORD followed by WARMUP"),
                                   self.stop_trace],
            (A.RECORD, A.RECORD): [],
            (A.RECORD, A.RECORD_AND_SAVE): [],
            (A.RECORD_AND_SAVE, A.NONE): stop_and_save,
            (A.RECORD_AND_SAVE, A.WARMUP): stop_and_save + [self.prepare_trace],
            (A.RECORD_AND_SAVE, A.RECORD): stop_and_save + restart,
            (A.RECORD_AND_SAVE, A.RECORD_AND_SAVE): stop_and_save + restart,
            (A.WARMUP, None): [self.start_trace, self.stop_trace],
            (A.RECORD, None): stop_and_save,
            (A.RECORD_AND_SAVE, None): stop_and_save,
        }

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()

    def start(self):
        self._transit_action(ProfilerAction.NONE, self.current_action)
        if self.record_steps:
            self.step_rec_fn = prof.record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def stop(self):
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
        self._transit_action(self.current_action, None)

    def step(self):
        """Signals that the next profiling step has started."""
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
        prev_action = self.current_action
        cur_step = self.step_num
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit_action(prev_action, self.current_action)
        prof.kineto_step()
        if self.record_steps:
            self.step_rec_fn = prof.record_function("ProfilerStep#" + str(cur_step))
            self.step_rec_fn.__enter__()

    def _trace_ready(self):
        if self.on_trace_ready:
            self.on_trace_ready(self)

    def _transit_action(self, prev_action, current_action):
        for action in self.action_map.get((prev_action, current_action)) or []:
            action()
