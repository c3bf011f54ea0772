"""torsh.autograd.profiler: a CPU profiler for torsh operator calls (torch.autograd.profiler).

Recording: while a profiler records on a thread, the callables that reach native ops (the
builtin functions of the torsh namespace, the same builtins bound in other torsh modules, the
native methods and arithmetic operators of torsh.Tensor) are replaced by thin wrappers that
time each call (time.perf_counter_ns) as an "aten::<op>" range. Only the first profiler to
start installs the wrappers and only the last to stop removes them, putting back the very
objects that were there (for Tensor's operators, the descriptors from Tensor.__dict__). As in
torch, a profiler records only the thread that started it, and one thread runs at most one.
Nesting (parent/children, self time) comes from the ranges, as torch derives it.
"""
import enum
import json
import os
import sys
import threading
import time
import types
from contextlib import ContextDecorator
from itertools import count
from warnings import warn

from torsh.autograd.profiler_util import (  # noqa: F401
    DeviceType, EventList, FunctionEvent, FunctionEventAvg, MEMORY_EVENT_NAME,
    OUT_OF_MEMORY_EVENT_NAME, _rewrite_name)

__all__ = ["profile", "record_function", "emit_itt", "emit_nvtx", "kineto_step", "EventList",
           "FunctionEvent", "FunctionEventAvg", "ProfilerActivity", "DeviceType",
           "kineto_available"]


class ProfilerActivity(enum.Enum):
    """The activities a profiler can trace (torch.profiler.ProfilerActivity)."""
    CPU = 0
    CUDA = 1


class _ExperimentalConfig(object):
    """Accepted for torch compatibility; the CPU profiler has no experimental options."""

    def __init__(self, profiler_metrics=(), profiler_measure_per_kernel=False, verbose=False):
        self.profiler_metrics = list(profiler_metrics)
        self.profiler_measure_per_kernel = profiler_measure_per_kernel
        self.verbose = verbose


def kineto_available():
    """True: traces are written in the Kineto JSON layout (torch.profiler's)."""
    return True


def _supported_activities():
    return {ProfilerActivity.CPU}


def kineto_step():
    """Marks an iteration boundary (nothing to do for the CPU recorder)."""


# ---------------------------------------------------------------------------------------------
# Recording engine
# ---------------------------------------------------------------------------------------------
_now = time.perf_counter_ns
_get_ident = threading.get_ident
_recorders = {}             # thread ident -> _Recorder recording on that thread
_lock = threading.RLock()
_installed = []             # (owner, attr, original, wrapper) while the wrappers are in place
_event_ids = count(1)
_thread_ids = {}            # thread ident -> small id (1 for the first profiled thread)

_FUNCTION_SCOPE, _USER_SCOPE = 0, 7
# raw event: [name, start_ns, end_ns, input_shapes, stack, flops, scope]
_NAME, _START, _END, _SHAPES, _STACK, _FLOPS, _SCOPE = range(7)

# torsh-namespace builtins that are helpers, not operators
_SKIP_FUNCTIONS = {"manual_seed", "seed", "initial_seed", "empty_cache", "from_numpy", "tensor"}
_SKIP_PREFIXES = ("set_", "get_", "is_", "_is_", "__")
# native Tensor methods that only read metadata (torch records no op for them)
_SKIP_METHODS = {"dim", "ndimension", "nelement", "numel", "size", "stride", "_assign_",
                 "data_ptr", "element_size", "is_contiguous", "storage_offset"}
# pybind-bound Tensor methods and operators -> the aten op torch records for them
_TENSOR_OPS = {
    "__add__": "add", "__radd__": "add", "__iadd__": "add_",
    "__sub__": "sub", "__rsub__": "rsub", "__isub__": "sub_",
    "__mul__": "mul", "__rmul__": "mul", "__imul__": "mul_",
    "__truediv__": "div", "__rtruediv__": "div", "__itruediv__": "div_",
    "__div__": "div", "__rdiv__": "div", "__idiv__": "div_",
    "__floordiv__": "floor_divide", "__rfloordiv__": "floor_divide",
    "__ifloordiv__": "floor_divide_",
    "__mod__": "remainder", "__rmod__": "remainder", "__imod__": "remainder_",
    "__pow__": "pow", "__rpow__": "pow", "__ipow__": "pow_",
    "__matmul__": "matmul", "__rmatmul__": "matmul",
    "__neg__": "neg", "__pos__": "positive", "__abs__": "abs", "__invert__": "bitwise_not",
    "__and__": "__and__", "__rand__": "bitwise_and", "__iand__": "__iand__",
    "__or__": "__or__", "__ror__": "bitwise_or", "__ior__": "__ior__",
    "__xor__": "__xor__", "__rxor__": "bitwise_xor", "__ixor__": "__ixor__",
    "__lshift__": "__lshift__", "__rlshift__": "bitwise_left_shift",
    "__ilshift__": "__ilshift__",
    "__rshift__": "__rshift__", "__rrshift__": "bitwise_right_shift",
    "__irshift__": "__irshift__",
    "__eq__": "eq", "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt",
    "__ge__": "ge",
    "__bool__": "is_nonzero", "__float__": "item", "__int__": "item", "__index__": "item",
    "__complex__": "item",
    "clone": "clone", "copy_": "copy_", "fill_": "fill_", "zero_": "zero_", "detach": "detach",
    "detach_": "detach_", "to": "to", "cpu": "to", "float": "to", "double": "to",
    "half": "to", "bfloat16": "to", "int": "to", "long": "to", "short": "to", "char": "to",
    "byte": "to", "bool": "to", "cfloat": "to", "cdouble": "to", "type_as": "type_as",
    "item": "item", "_resize_": "resize_",
}


class _Recorder(object):
    """The ranges recorded by one profiler on one thread."""

    def __init__(self, record_shapes, with_stack, with_flops):
        self.events = []
        self.record_shapes = record_shapes or with_flops
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.extras = with_stack or with_flops
        self.ident = _get_ident()
        self.native_tid = threading.get_native_id()
        self.wall0_ns = time.time_ns()
        self.t0_ns = _now()
        self.t1_ns = None

    def annotate(self, ev, args, kwargs, label):
        if self.with_stack:
            stack = _python_stack()
            if label is not None:
                stack.insert(0, label)
            ev[_STACK] = stack
        if self.with_flops:
            ev[_FLOPS] = _flops(ev[_NAME], args, kwargs)


def _shapes(args, kwargs):
    """Input shapes as torch reports them: a tensor's sizes, [] for anything else."""
    T = _tensor_type
    out = [list(a.shape) if isinstance(a, T) else [] for a in args]
    if kwargs:
        out.extend(list(v.shape) if isinstance(v, T) else [] for v in kwargs.values())
    return out


def _python_stack(depth=3):
    """'file(line): function' entries, innermost first, from `depth` frames up (3: the caller
    of an op wrapper, past _python_stack, annotate and the wrapper)."""
    frame = sys._getframe(depth)
    out = []
    while frame is not None and len(out) < 128:
        code = frame.f_code
        out.append("%s(%d): %s" % (_short_path(code.co_filename), frame.f_lineno, code.co_name))
        frame = frame.f_back
    return out


_short_paths = {}


def _short_path(filename):
    """The file name relative to the longest sys.path entry containing it, as torch shows it."""
    short = _short_paths.get(filename)
    if short is None:
        short = filename
        best = 0
        for entry in sys.path:
            entry = os.path.join(os.path.abspath(entry or "."), "")
            if len(entry) > best and filename.startswith(entry):
                best, short = len(entry), filename[len(entry):]
        _short_paths[filename] = short
    return short


def _arg(args, kwargs, i, name):
    if len(args) > i:
        return args[i]
    return kwargs.get(name)


def _size(t):
    return list(t.shape) if isinstance(t, _tensor_type) else None


def _pair(v, default):
    if v is None:
        return [default, default]
    if isinstance(v, int):
        return [v, v]
    v = list(v)
    return v * 2 if len(v) == 1 else v


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def _flops(name, args, kwargs):
    """Floating point operation counts with torch's formulas (0 for other ops)."""
    try:
        op = name[6:]
        if op in ("mm", "bmm"):
            a, b = _size(_arg(args, kwargs, 0, "input")), _size(_arg(args, kwargs, 1, "mat2"))
            return 2 * _prod(a) * b[-1]
        if op in ("addmm", "baddbmm"):
            i, j = (1, 2)
            a = _size(_arg(args, kwargs, i, "mat1" if op == "addmm" else "batch1"))
            b = _size(_arg(args, kwargs, j, "mat2" if op == "addmm" else "batch2"))
            return 2 * _prod(a) * b[-1]
        if op in ("mul", "add"):
            a = _size(_arg(args, kwargs, 0, "input"))
            return _prod(a) if a is not None else 0
        if op == "matmul":
            a, b = _size(_arg(args, kwargs, 0, "input")), _size(_arg(args, kwargs, 1, "other"))
            n = b[-1] if len(b) >= 2 else 1
            batch = [max(x, y) for x, y in zip(([1] * 8 + a[:-2])[-8:], ([1] * 8 + b[:-2])[-8:])]
            m = a[-2] if len(a) >= 2 else 1
            return 2 * _prod(batch) * m * a[-1] * n
        if op == "linear":
            a, w = _size(_arg(args, kwargs, 0, "input")), _size(_arg(args, kwargs, 1, "weight"))
            return 2 * _prod(a) * (w[0] if len(w) == 2 else 1)
        if op == "conv2d":
            x, w = _size(_arg(args, kwargs, 0, "input")), _size(_arg(args, kwargs, 1, "weight"))
            stride = _pair(_arg(args, kwargs, 3, "stride"), 1)
            padding = _arg(args, kwargs, 4, "padding")
            if isinstance(padding, str) or len(x) != 4:
                return 0
            padding = _pair(padding, 0)
            dilation = _pair(_arg(args, kwargs, 5, "dilation"), 1)
            oh = (x[2] + 2 * padding[0] - dilation[0] * (w[2] - 1) - 1) // stride[0] + 1
            ow = (x[3] + 2 * padding[1] - dilation[1] * (w[3] - 1) - 1) // stride[1] + 1
            return 2 * x[0] * oh * ow * w[2] * w[3] * x[1] * w[0]
    except (TypeError, IndexError, AttributeError):
        return 0
    return 0


def _record_call(r, name, label, fn, args, kwargs):
    """fn(*args, **kwargs) recorded by recorder r as the range `name`."""
    ev = [name, 0, 0, _shapes(args, kwargs) if r.record_shapes else None, None, 0,
          _FUNCTION_SCOPE]
    if r.extras:
        r.annotate(ev, args, kwargs, label)
    r.events.append(ev)
    ev[1] = _now()
    try:
        return fn(*args, **kwargs)
    finally:
        ev[2] = _now()


def _op_wrapper(fn, name, label=None):
    """fn, recorded as the range `name` when the calling thread is being profiled (label: the
    innermost stack entry, the builtin called, as torch's Python tracer names it)."""
    get = _recorders.get

    def op(*args, **kwargs):
        r = get(_get_ident())
        if r is None:
            return fn(*args, **kwargs)
        return _record_call(r, name, label, fn, args, kwargs)
    return op


def _select_wrapper(fn, choose):
    """Like _op_wrapper, the range's name chosen from the arguments (None: not recorded)."""
    get = _recorders.get

    def op(*args, **kwargs):
        r = get(_get_ident())
        name = None if r is None else choose(args, kwargs)
        if name is None:
            return fn(*args, **kwargs)
        return _record_call(r, name, None, fn, args, kwargs)
    return op


def _is_advanced(i):
    return isinstance(i, (_tensor_type, list, bool)) or (
        type(i).__module__ == "numpy" and getattr(i, "ndim", 0) > 0)


def _index_kind(idx):
    parts = idx if type(idx) is tuple else (idx,)
    if any(_is_advanced(p) for p in parts):
        return "index"
    for p in parts:
        if p is Ellipsis:
            continue
        if p is None:
            return "unsqueeze"
        if isinstance(p, slice):
            return "slice"
        return "select"
    return "alias"


def _getitem_name(args, kwargs):
    return "aten::" + _index_kind(args[1]) if len(args) > 1 else "aten::index"


def _setitem_name(args, kwargs):
    if len(args) < 3:
        return "aten::copy_"
    if _index_kind(args[1]) == "index":
        return "aten::index_put_"
    return "aten::copy_" if isinstance(args[2], _tensor_type) else "aten::fill_"


def _contiguous_name(args, kwargs):
    # torch returns an already contiguous tensor without dispatching an op
    if len(args) == 1 and not kwargs and args[0].is_contiguous():
        return None
    return "aten::contiguous"


def _dress(wrapper, fn):
    for attr in ("__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, attr, getattr(fn, attr))
        except (AttributeError, TypeError):
            pass
    wrapper.__module__ = getattr(fn, "__module__", None) or "torsh"
    wrapper.__wrapped__ = fn
    return wrapper


def _targets():
    """(owner, attribute, original, wrapper) for every callable the profiler replaces."""
    import torsh
    T = torsh.Tensor
    found = []
    by_obj = {}
    builtin = types.BuiltinFunctionType
    for name, fn in list(vars(torsh).items()):
        if type(fn) is not builtin or getattr(fn, "__module__", None) != "torsh._C":
            continue
        if name in _SKIP_FUNCTIONS or name.startswith(_SKIP_PREFIXES):
            continue
        w = _dress(_op_wrapper(fn, "aten::" + name, repr(fn)), fn)
        found.append((torsh, name, fn, w))
        if id(fn) not in by_obj or name == fn.__name__:
            by_obj[id(fn)] = (fn, w)
    # the same builtins bound elsewhere (torsh._C, torsh.nn.functional.linear, a script's
    # `from torsh import mm`, ...)
    for mname, mod in list(sys.modules.items()):
        if mod is torsh or mod is None or not (mname.startswith("torsh.") or
                                                mname == "__main__"):
            continue
        d = getattr(mod, "__dict__", None)
        if not isinstance(d, dict):
            continue
        for attr, fn in list(d.items()):
            if type(fn) is builtin:
                hit = by_obj.get(id(fn))
                if hit is not None and hit[0] is fn:
                    found.append((mod, attr, fn, hit[1]))
    for name, fn in list(T.__dict__.items()):
        kind = type(fn).__name__
        if name == "__getitem__":
            w = _select_wrapper(fn, _getitem_name)
        elif name == "__setitem__":
            w = _select_wrapper(fn, _setitem_name)
        elif name == "contiguous":
            w = _select_wrapper(fn, _contiguous_name)
        elif name in _TENSOR_OPS and kind != "function":
            w = _op_wrapper(fn, "aten::" + _TENSOR_OPS[name])
        elif kind == "method_descriptor" and name not in _SKIP_METHODS \
                and not name.startswith("__"):
            w = _op_wrapper(fn, "aten::" + name, repr(fn))
        else:
            continue
        found.append((T, name, fn, _dress(w, fn)))
    return found


def _install():
    global _tensor_type
    import torsh
    _tensor_type = torsh.Tensor
    targets = _targets()
    done = []
    try:
        for owner, attr, orig, w in targets:
            setattr(owner, attr, w)
            done.append((owner, attr, orig, w))
    finally:
        _installed[:] = done


def _uninstall():
    for owner, attr, orig, w in reversed(_installed):
        # put the original object back only where our wrapper still stands
        if owner.__dict__.get(attr) is w:
            setattr(owner, attr, orig)
    _installed[:] = []


_tensor_type = None


def _start_recording(recorder):
    with _lock:
        if recorder.ident in _recorders:
            raise RuntimeError("Profiler is already enabled on this thread.")
        if not _recorders:
            try:
                _install()
            except BaseException:
                _uninstall()
                raise
        _thread_ids.setdefault(recorder.ident, len(_thread_ids) + 1)
        recorder.t0_ns = _now()
        recorder.wall0_ns = time.time_ns()
        _recorders[recorder.ident] = recorder


def _stop_recording(recorder):
    with _lock:
        recorder.t1_ns = _now()
        if _recorders.get(recorder.ident) is recorder:
            del _recorders[recorder.ident]
        if not _recorders:
            _uninstall()


def _function_events(recorder):
    """The recorder's raw ranges as FunctionEvents sorted by (start, -end)."""
    t0, t1 = recorder.t0_ns, recorder.t1_ns
    thread = _thread_ids.get(recorder.ident, 0)
    out = []
    for name, start, end, shapes, stack, flops, scope in recorder.events:
        if start == 0:
            continue
        if end == 0 or end > t1:
            end = t1           # still open when the profiler stopped
        fe = FunctionEvent(
            id=next(_event_ids), name=_rewrite_name(name, with_wildcard=True),
            trace_name=_rewrite_name(name, with_wildcard=False), thread=thread,
            start_us=(start - t0) / 1000.0, end_us=(end - t0) / 1000.0, fwd_thread=thread,
            input_shapes=shapes if shapes is not None else [],
            stack=stack if stack is not None else [], scope=scope, flops=flops or 0)
        out.append(fe)
    out.sort(key=lambda e: (e.time_range.start, -e.time_range.end))
    return out


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
class profile(object):
    """Context manager that records torsh operator calls on this thread (torch's
    autograd.profiler.profile): afterwards function_events, key_averages(), table(),
    total_average(), self_cpu_time_total and export_chrome_trace() give the results.

    use_cuda is accepted and disabled with a warning (no CUDA here); profile_memory is accepted
    but memory is not tracked (0 bytes reported); with_stack records the Python call stack of
    each op; with_flops estimates FLOPs of mm/addmm/bmm/baddbmm/matmul/linear/conv2d/mul/add.
    """

    def __init__(self, enabled=True, *, use_cuda=False, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False,
                 use_cpu=True, experimental_config=None):
        self.enabled = enabled
        if not self.enabled:
            return
        self.use_cuda = use_cuda
        self.function_events = None
        self.entered = False
        self.record_shapes = record_shapes
        self.with_flops = with_flops
        self.record_shapes |= self.with_flops
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.use_cpu = use_cpu
        if experimental_config is None:
            experimental_config = _ExperimentalConfig()
        self.experimental_config = experimental_config
        self.kineto_results = None
        self._recorder = None
        self._metadata = {}
        if not self.use_cpu:
            assert use_kineto, "Device-only events supported only with Kineto (use_kineto=True)"
        if self.use_cuda:
            import torsh
            if not torsh.cuda.is_available():
                warn("CUDA is not available, disabling CUDA profiling")
                self.use_cuda = False
        self.kineto_activities = set()
        if self.use_cpu:
            self.kineto_activities.add(ProfilerActivity.CPU)
        if self.use_cuda:
            self.kineto_activities.add(ProfilerActivity.CUDA)
        assert len(self.kineto_activities) > 0, "No activities specified for the profiler"

    def __enter__(self):
        if not self.enabled:
            return
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self._prepare_trace()
        self._start_trace()
        return self

    def _prepare_trace(self):
        self.entered = True

    def _start_trace(self):
        self.entered = True
        recorder = _Recorder(self.record_shapes, self.with_stack, self.with_flops)
        _start_recording(recorder)
        self._recorder = recorder

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not self.enabled:
            return
        recorder = self._recorder
        if recorder is None:
            raise RuntimeError("Can't disable Kineto profiler when it's not running")
        self._recorder = None
        _stop_recording(recorder)
        self.kineto_results = recorder
        self.function_events = EventList(
            _function_events(recorder), use_cuda=self.use_cuda,
            profile_memory=self.profile_memory, with_flops=self.with_flops)
        self.function_events._build_tree()
        recorder.events = []       # the FunctionEvents hold the results now
        return False

    def __repr__(self):
        if self.function_events is None:
            return "<unfinished torch.autograd.profile>"
        return repr(self.function_events)

    def __str__(self):
        if self.function_events is None:
            return "<unfinished torch.autograd.profile>"
        return str(self.function_events)

    def _check_finish(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False):
        self._check_finish()
        return self.function_events.table(
            sort_by=sort_by, row_limit=row_limit, max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width, header=header,
            top_level_events_only=top_level_events_only)
    table.__doc__ = EventList.table.__doc__

    def export_chrome_trace(self, path):
        """Writes the trace as Kineto's Chrome-trace JSON ({"traceEvents": [...]})."""
        self._check_finish()
        _write_kineto_trace(self, path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        self._check_finish()
        assert self.function_events is not None, "Expected profiling results"
        assert self.with_stack, "export_stacks() requires with_stack=True"
        return self.function_events.export_stacks(path, metric)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        self._check_finish()
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)
    key_averages.__doc__ = EventList.key_averages.__doc__

    def total_average(self):
        self._check_finish()
        return self.function_events.total_average()
    total_average.__doc__ = EventList.total_average.__doc__

    @property
    def self_cpu_time_total(self):
        """Total CPU time: the sum of every event's self time."""
        self._check_finish()
        return self.function_events.self_cpu_time_total


def _write_kineto_trace(prof, path):
    recorder = prof.kineto_results
    pid = os.getpid()
    tid = recorder.native_tid
    base_us = recorder.wall0_ns / 1000.0
    events = []
    for ev in prof.function_events:
        if ev.trace_name is None:
            continue
        args = {"External id": ev.id}
        if prof.record_shapes:
            args["Input Dims"] = ev.input_shapes
        if ev.stack:
            args["Call stack"] = ";".join(ev.stack)
        if ev.flops:
            args["flops"] = ev.flops
        events.append({
            "ph": "X", "cat": "user_annotation" if ev.scope == _USER_SCOPE else "cpu_op",
            "name": ev.trace_name, "pid": pid, "tid": tid,
            "ts": round(base_us + ev.time_range.start, 3),
            "dur": round(ev.time_range.elapsed_us(), 3), "args": args})
    span_us = (recorder.t1_ns - recorder.t0_ns) / 1000.0
    events.append({"name": "process_name", "ph": "M", "ts": round(base_us, 3), "pid": pid,
                   "tid": 0, "args": {"name": "python3"}})
    events.append({"name": "thread_name", "ph": "M", "ts": round(base_us, 3), "pid": pid,
                   "tid": tid, "args": {"name": "thread %d (python3)" % tid}})
    events.append({"name": "PyTorch Profiler (0)", "ph": "X", "cat": "Trace",
                   "ts": round(base_us, 3), "dur": round(span_us, 3), "pid": "Spans",
                   "tid": "PyTorch Profiler", "args": {"Op count": 0}})
    trace = {"schemaVersion": 1, "deviceProperties": []}
    for key, value in prof._metadata.items():
        trace[key] = json.loads(value)
    trace["traceEvents"] = events
    trace["traceName"] = path
    with open(path, "w") as f:
        json.dump(trace, f)


class record_function(ContextDecorator):
    """Context manager / decorator that records its block as a range named `name` in the
    profiler active on this thread (no effect when none is)."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self.run_callbacks_on_exit = True
        self._open = []

    def __enter__(self):
        r = _recorders.get(_get_ident())
        ev = None
        if r is not None:
            ev = [self.name, 0, 0, [] if r.record_shapes else None, None, 0, _USER_SCOPE]
            if r.with_stack:
                ev[_STACK] = _python_stack(2)
            r.events.append(ev)
            ev[1] = _now()
        self._open.append(ev)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if self.run_callbacks_on_exit:
            self._end()

    def _end(self):
        ev = self._open.pop() if self._open else None
        if ev is not None and ev[_END] == 0:
            ev[_END] = _now()

    def _call_end_callbacks_on_future(self, fut):
        """A future completing with fut's value once the range is closed on fut's completion."""
        if not self.run_callbacks_on_exit:
            raise RuntimeError("_call_end_callbacks_on_future can only be called once.")
        self.run_callbacks_on_exit = False
        ev = self._open.pop() if self._open else None

        def close(f):
            if ev is not None and ev[_END] == 0:
                ev[_END] = _now()
            return f.wait()
        return fut.then(close)


class _Annotation(object):
    """torch's ITT/NVTX annotation context managers: not reentrant, and unavailable in this
    build (_unavailable raises torch's error for a build without the tool)."""
    _tool = ""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled
        self.entered = False
        self.record_shapes = record_shapes

    def __enter__(self):
        if not self.enabled:
            return
        if self.entered:
            raise RuntimeError(f"{self._tool} annotation context manager is not reentrant")
        self.entered = True
        self._unavailable()

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False


class emit_itt(_Annotation):
    """torch's ITT annotation context manager: this build has no ITT, so entering it raises
    the RuntimeError torch raises without ITT."""
    _tool = "ITT"

    def _unavailable(self):
        raise RuntimeError("Can't use ITT profiler - PyTorch was compiled without ITT")


class emit_nvtx(_Annotation):
    """torch's NVTX annotation context manager: it needs CUDA, so entering it fails as
    torch.cuda.synchronize() does without CUDA."""
    _tool = "NVTX"

    def _unavailable(self):
        import torsh
        torsh.cuda.synchronize()
        raise RuntimeError("NVTX profiling needs CUDA")

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False
