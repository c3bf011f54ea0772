"""torsh.autograd.profiler_util: the profiler's result types (torch.autograd.profiler_util).

FunctionEvent is one recorded range (an operator call or a record_function block), EventList a
list of them (or of FunctionEventAvg aggregates) that prints torch's summary table, averages by
key and exports a Chrome trace.
"""
import enum
import itertools
import math
from collections import defaultdict, namedtuple

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "Interval", "Kernel",
           "FormattedTimesMixin", "DeviceType", "MEMORY_EVENT_NAME", "OUT_OF_MEMORY_EVENT_NAME"]

MEMORY_EVENT_NAME = "[memory]"
OUT_OF_MEMORY_EVENT_NAME = "[OutOfMemory]"


class DeviceType(enum.IntEnum):
    """torch.autograd.DeviceType (c10::DeviceType), printed as DeviceType.CPU."""
    CPU = 0
    CUDA = 1
    MKLDNN = 2
    OPENGL = 3
    OPENCL = 4
    IDEEP = 5
    HIP = 6
    FPGA = 7
    ORT = 8
    XLA = 9
    Vulkan = 10
    Metal = 11
    XPU = 12
    MPS = 13
    Meta = 14
    HPU = 15
    VE = 16
    Lazy = 17
    IPU = 18

    def __repr__(self):
        return "DeviceType." + self.name

    __str__ = __repr__


def _format_time(time_us):
    """'12.345us', '1.234ms' or '1.234s', as torch prints times."""
    if time_us >= 1000000.0:
        return "%.3fs" % (time_us / 1000000.0)
    if time_us >= 1000.0:
        return "%.3fms" % (time_us / 1000.0)
    return "%.3fus" % time_us


def _format_time_share(time_us, total_time_us):
    if total_time_us == 0:
        assert time_us == 0, "Expected time_us == 0 but got {}".format(time_us)
        return "NaN"
    return "%.2f%%" % (time_us * 100.0 / total_time_us)


def _format_memory(nbytes):
    for unit, scale in (("Gb", 1 << 30), ("Mb", 1 << 20), ("Kb", 1 << 10)):
        if abs(nbytes) >= scale:
            return "%.2f %s" % (nbytes * 1.0 / scale, unit)
    return str(nbytes) + " b"


def _time_property(attr):
    return property(lambda self: _format_time(getattr(self, attr)))


class FormattedTimesMixin(object):
    """The *_str formatted times and the per-call averages shared by events and aggregates."""
    cpu_time_str = _time_property("cpu_time")
    cuda_time_str = _time_property("cuda_time")
    cpu_time_total_str = _time_property("cpu_time_total")
    cuda_time_total_str = _time_property("cuda_time_total")
    self_cpu_time_total_str = _time_property("self_cpu_time_total")
    self_cuda_time_total_str = _time_property("self_cuda_time_total")

    @property
    def cpu_time(self):
        return 0.0 if self.count == 0 else 1.0 * self.cpu_time_total / self.count

    @property
    def cuda_time(self):
        return 0.0 if self.count == 0 else 1.0 * self.cuda_time_total / self.count


class Interval(object):
    """[start, end) in microseconds from the start of the trace."""

    def __init__(self, start, end):
        self.start = start
        self.end = end

    def elapsed_us(self):
        return self.end - self.start


Kernel = namedtuple("Kernel", ["name", "device", "duration"])


def _rewrite_name(name, with_wildcard=False):
    if with_wildcard and name.startswith("ProfilerStep#"):
        return "ProfilerStep*"
    return name


class FunctionEvent(FormattedTimesMixin):
    """One recorded range: an operator call or a record_function block."""

    def __init__(self, id, name, thread, start_us, end_us, fwd_thread=None, input_shapes=None,
                 stack=None, scope=0, cpu_memory_usage=0, cuda_memory_usage=0, is_async=False,
                 is_remote=False, sequence_nr=-1, node_id=-1, device_type=DeviceType.CPU,
                 device_index=0, is_legacy=False, flops=None, trace_name=None):
        self.id = id
        self.node_id = node_id
        self.name = name
        self.trace_name = trace_name
        self.time_range = Interval(start_us, end_us)
        self.thread = thread
        self.fwd_thread = fwd_thread
        self.kernels = []
        self.count = 1
        self.cpu_children = []
        self.cpu_parent = None
        self.input_shapes = input_shapes
        self.stack = stack
        self.scope = scope
        self.cpu_memory_usage = cpu_memory_usage
        self.cuda_memory_usage = cuda_memory_usage
        self.is_async = is_async
        self.is_remote = is_remote
        self.sequence_nr = sequence_nr
        self.device_type = device_type
        self.device_index = device_index
        self.is_legacy = is_legacy
        self.flops = flops

    def append_kernel(self, name, device, duration):
        assert self.device_type == DeviceType.CPU
        self.kernels.append(Kernel(name, device, duration))

    def append_cpu_child(self, child):
        """Adds a direct child (its range lies inside this one's)."""
        assert self.device_type == DeviceType.CPU
        assert isinstance(child, FunctionEvent)
        assert child.device_type == DeviceType.CPU
        self.cpu_children.append(child)

    def set_cpu_parent(self, parent):
        """Sets the immediate parent range."""
        assert self.device_type == DeviceType.CPU
        assert isinstance(parent, FunctionEvent)
        assert parent.device_type == DeviceType.CPU
        self.cpu_parent = parent

    def _is_cpu_sync(self):
        return not self.is_async and self.device_type == DeviceType.CPU

    @property
    def self_cpu_memory_usage(self):
        if not self._is_cpu_sync():
            return 0
        return self.cpu_memory_usage - sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def self_cuda_memory_usage(self):
        if not self._is_cpu_sync():
            return 0
        return self.cuda_memory_usage - sum(c.cuda_memory_usage for c in self.cpu_children)

    @property
    def cpu_time_total(self):
        return self.time_range.elapsed_us() if self.device_type == DeviceType.CPU else 0

    @property
    def self_cpu_time_total(self):
        if not self._is_cpu_sync():
            return 0
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cuda_time_total(self):
        if self.is_async:
            return 0
        if self.device_type == DeviceType.CPU:
            own = sum(k.duration for k in self.kernels)
            if self.is_legacy:
                return own
            return own + sum(c.cuda_time_total for c in self.cpu_children)
        return self.time_range.elapsed_us()

    @property
    def self_cuda_time_total(self):
        if self.is_async:
            return 0
        if self.device_type == DeviceType.CPU:
            return self.cuda_time_total - sum(c.cuda_time_total for c in self.cpu_children)
        return self.cuda_time_total

    @property
    def key(self):
        return self.name

    def __repr__(self):
        return (
            "<FunctionEvent id={} name={} device_type={} node_id={} cpu_time={} start_us={} "
            "end_us={} cpu_children={} cuda_time={} name={} thread={} input_shapes={} "
            "cpu_memory_usage={} cuda_memory_usage={} is_async={} is_remote={} seq_nr={} "
            "is_legacy={}>".format(
                self.id, self.name, self.device_type, self.node_id, self.cpu_time_str,
                self.time_range.start, self.time_range.end,
                str([c.id for c in self.cpu_children]), self.cuda_time_str, self.name,
                self.thread, str(self.input_shapes), self.cpu_memory_usage,
                self.cuda_memory_usage, self.is_async, self.is_remote, self.sequence_nr,
                self.is_legacy))


class FunctionEventAvg(FormattedTimesMixin):
    """Sums of FunctionEvents sharing a key (an entry of key_averages())."""

    def __init__(self):
        self.key = None
        self.count = 0
        self.node_id = 0
        self.is_async = False
        self.is_remote = False
        self.cpu_time_total = 0
        self.cuda_time_total = 0
        self.self_cpu_time_total = 0
        self.self_cuda_time_total = 0
        self.input_shapes = None
        self.stack = None
        self.scope = None
        self.cpu_memory_usage = 0
        self.cuda_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.self_cuda_memory_usage = 0
        self.cpu_children = None
        self.cpu_parent = None
        self.device_type = DeviceType.CPU
        self.is_legacy = False
        self.flops = 0

    def add(self, other):
        if self.key is None:
            # the first event added gives the aggregate its identity
            self.key = other.key
            self.node_id = other.node_id
            self.is_async = other.is_async
            self.is_remote = other.is_remote
            self.cpu_parent = other.cpu_parent
            self.cpu_children = other.cpu_children
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.scope = other.scope
            self.device_type = other.device_type
            self.is_legacy = other.is_legacy
        assert isinstance(other, (FunctionEvent, FunctionEventAvg))
        assert other.key == self.key
        for attr in ("cpu_time_total", "cuda_time_total", "self_cpu_time_total",
                     "self_cuda_time_total", "cpu_memory_usage", "cuda_memory_usage",
                     "self_cpu_memory_usage", "self_cuda_memory_usage", "count"):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        if self.flops is None:
            self.flops = other.flops
        elif other.flops is not None:
            self.flops += other.flops
        return self

    def __iadd__(self, other):
        return self.add(other)

    def __repr__(self):
        return (
            "<FunctionEventAvg key={} self_cpu_time={} cpu_time={}  self_cuda_time={} "
            "cuda_time={} input_shapes={} cpu_memory_usage={} cuda_memory_usage={}>".format(
                self.key, self.self_cpu_time_total_str, self.cpu_time_str,
                self.self_cuda_time_total_str, self.cuda_time_str, str(self.input_shapes),
                self.cpu_memory_usage, self.cuda_memory_usage))


class EventList(list):
    """A list of FunctionEvents (or FunctionEventAvgs) that prints as torch's summary table."""

    def __init__(self, *args, **kwargs):
        use_cuda = kwargs.pop("use_cuda", True)
        profile_memory = kwargs.pop("profile_memory", False)
        with_flops = kwargs.pop("with_flops", False)
        super(EventList, self).__init__(*args, **kwargs)
        self._use_cuda = use_cuda
        self._profile_memory = profile_memory
        self._tree_built = False
        self._with_flops = with_flops

    def _build_tree(self):
        self._populate_cpu_children()
        self._remove_dup_nodes()
        self._tree_built = True

    def __str__(self):
        return self.table()

    def _populate_cpu_children(self):
        """Links each synchronous CPU event to the innermost event of its thread whose range
        contains it (partially overlapping ranges are not nested)."""
        sync = [e for e in self if e._is_cpu_sync()]
        sync.sort(key=lambda e: (e.thread, e.node_id))
        for _, group in itertools.groupby(sync, key=lambda e: (e.thread, e.node_id)):
            open_ranges = []
            for ev in sorted(group, key=lambda e: (e.time_range.start, -e.time_range.end)):
                while open_ranges:
                    top = open_ranges[-1]
                    if ev.time_range.start >= top.time_range.end or \
                            ev.time_range.end > top.time_range.end:
                        open_ranges.pop()
                    else:
                        top.append_cpu_child(ev)
                        ev.set_cpu_parent(top)
                        break
                open_ranges.append(ev)

    def _remove_dup_nodes(self):
        """Merges an event into its parent when the parent has the same name and no other
        child (a wrapper re-entering the same op)."""
        while True:
            drop = set()
            for i, ev in enumerate(self):
                parent = ev.cpu_parent
                if parent is not None and parent.name == ev.name and \
                        len(parent.cpu_children) == 1:
                    parent.cpu_children = ev.cpu_children
                    parent.kernels = ev.kernels
                    for ch in ev.cpu_children:
                        ch.cpu_parent = parent
                    drop.add(i)
            if not drop:
                return
            kept = [ev for i, ev in enumerate(self) if i not in drop]
            self.clear()
            self.extend(kept)

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False):
        """The events as torch's text table (sort_by: an attribute such as cpu_time_total,
        self_cpu_time_total, count; row_limit: rows to print, -1 for all)."""
        return _build_table(
            self, sort_by=sort_by, row_limit=row_limit,
            max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width, header=header,
            profile_memory=self._profile_memory, with_flops=self._with_flops,
            top_level_events_only=top_level_events_only)

    def export_chrome_trace(self, path):
        """Writes the events as a Chrome trace (a JSON array of complete events)."""
        import json
        out = []
        for ev in self:
            if ev.trace_name is None:
                continue
            out.append({"name": ev.trace_name, "ph": "X", "ts": ev.time_range.start,
                        "dur": ev.time_range.elapsed_us(), "tid": ev.thread,
                        "pid": "CPU functions", "args": {}})
        with open(path, "w") as f:
            json.dump(out, f)

    def supported_export_stacks_metrics(self):
        return ["self_cpu_time_total", "self_cuda_time_total"]

    def export_stacks(self, path, metric):
        """Writes one 'frame;frame;... value' line per event with a stack (flame graph input)."""
        if metric not in self.supported_export_stacks_metrics():
            raise ValueError("metric should be one of: " +
                             str(self.supported_export_stacks_metrics()))
        translate = str.maketrans(" ;\t\n", "____")
        with open(path, "w") as f:
            for ev in self:
                if ev.stack:
                    value = getattr(ev, metric)
                    if int(value) > 0:
                        frames = ";".join(e.translate(translate) for e in reversed(ev.stack))
                        f.write(frames + " " + str(int(value)) + "\n")

    def key_averages(self, group_by_input_shapes=False, group_by_stack_n=0):
        """Aggregates events by name (and optionally input shapes / the top stack frames)."""
        assert self._tree_built
        stats = defaultdict(FunctionEventAvg)
        for ev in self:
            key = [str(ev.key), str(ev.node_id), str(ev.device_type), str(ev.is_legacy)]
            if group_by_input_shapes:
                key.append(str(ev.input_shapes))
            if group_by_stack_n > 0:
                key += (ev.stack or [])[:group_by_stack_n]
            stats[tuple(key)].add(ev)
        result = EventList(stats.values(), use_cuda=self._use_cuda,
                           profile_memory=self._profile_memory, with_flops=self._with_flops)
        for ev in result:
            ev.stack = (ev.stack or [])[:group_by_stack_n]
            if not group_by_input_shapes:
                ev.input_shapes = ""
        return result

    def total_average(self):
        """One FunctionEventAvg, key 'Total', summing every event."""
        total = FunctionEventAvg()
        for ev in self:
            total += ev
            total.key = None
        total.key = "Total"
        return total


def _build_table(events, sort_by=None, header=None, row_limit=100, max_src_column_width=75,
                 max_name_column_width=55, max_shapes_column_width=80, with_flops=False,
                 profile_memory=False, top_level_events_only=False):
    """torch's profiler summary table for a list of events or aggregates."""
    if len(events) == 0:
        return ""
    has_cuda_time = any(e.self_cuda_time_total > 0 for e in events)
    has_cuda_mem = any(e.self_cuda_memory_usage > 0 for e in events)
    has_input_shapes = any(e.input_shapes is not None and len(e.input_shapes) > 0
                           for e in events)
    if sort_by is not None:
        events = EventList(sorted(events, key=lambda e: getattr(e, sort_by), reverse=True),
                           use_cuda=has_cuda_time, profile_memory=profile_memory,
                           with_flops=with_flops)

    name_width = max(len(e.key) for e in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    shapes_width = max(len(str(e.input_shapes)) for e in events) + 4
    if max_shapes_column_width is not None:
        shapes_width = min(shapes_width, max_shapes_column_width)
    col_width = 12

    stacks = [e.stack for e in events if e.stack is not None and len(e.stack) > 0]
    has_stack = len(stacks) > 0
    src_width = None
    if has_stack:
        src_width = max(len(entry) for st in stacks for entry in st) + 4
        if max_src_column_width is not None:
            src_width = min(src_width, max_src_column_width)

    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if has_cuda_time:
        headers += ["Self CUDA", "Self CUDA %", "CUDA total", "CUDA time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
        if has_cuda_mem:
            headers += ["CUDA Mem", "Self CUDA Mem"]
    headers.append("# of Calls")
    append_node_id = any(e.node_id != -1 for e in events)
    if append_node_id:
        headers.append("Node ID")

    spacing = 2
    fmt_parts, sep_parts = [], []
    line_length = -spacing

    def add_column(width, align=">"):
        nonlocal line_length
        fmt_parts.append("{: " + align + str(width) + "}" + " " * spacing)
        sep_parts.append("-" * width + " " * spacing)
        line_length += width + spacing

    add_column(name_width)
    for _ in headers[1:]:
        add_column(col_width)
    if has_input_shapes:
        headers.append("Input Shapes")
        add_column(shapes_width)
    if has_stack:
        headers.append("Source Location")
        add_column(src_width, align="<")
    flops_scale = 1.0
    if with_flops:
        raw = [e.flops for e in events if e.flops is not None and e.flops > 0]
        if raw:
            units = ["FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"]
            level = max(0, min(math.log10(min(raw)) / 3, float(len(units) - 1)))
            flops_scale = pow(10, math.floor(level) * -3.0)
            headers.append("Total {}".format(units[int(level)]))
            add_column(col_width)
        else:
            with_flops = False
    row_format = "".join(fmt_parts)
    header_sep = "".join(sep_parts)

    sum_self_cpu = sum(e.self_cpu_time_total for e in events)
    sum_self_cuda = 0
    for e in events:
        if e.device_type == DeviceType.CPU:
            if e.is_legacy:
                sum_self_cuda += e.self_cuda_time_total
        elif e.device_type == DeviceType.CUDA:
            sum_self_cuda += e.self_cuda_time_total

    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_events_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [header_sep, row_format.format(*headers), header_sep]

    def trim_path(path):
        if len(path) > src_width:
            path = path[len(path) - src_width:]
            if len(path) > 3:
                path = "..." + path[3:]
        return path

    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_events_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        row = [name,
               _format_time_share(e.self_cpu_time_total, sum_self_cpu),
               e.self_cpu_time_total_str,
               _format_time_share(e.cpu_time_total, sum_self_cpu) if not e.is_async else 0,
               e.cpu_time_total_str,
               e.cpu_time_str]
        if has_cuda_time:
            row += [e.self_cuda_time_total_str,
                    _format_time_share(e.self_cuda_time_total, sum_self_cuda),
                    e.cuda_time_total_str, e.cuda_time_str]
        if profile_memory:
            row += [_format_memory(e.cpu_memory_usage), _format_memory(e.self_cpu_memory_usage)]
            if has_cuda_mem:
                row += [_format_memory(e.cuda_memory_usage),
                        _format_memory(e.self_cuda_memory_usage)]
        row.append(e.count)
        if append_node_id:
            row.append(e.node_id)
        if has_input_shapes:
            row.append(str(e.input_shapes)[:shapes_width])
        if with_flops:
            row.append("--" if not e.flops or e.flops <= 0
                       else "{0:8.3f}".format(e.flops * flops_scale))
        if has_stack:
            row.append(trim_path(e.stack[0]) if e.stack else "")
        lines.append(row_format.format(*row))
        if has_stack:
            blanks = [""] * (len(headers) - 1)
            for entry in (e.stack or [])[1:5]:
                lines.append(row_format.format(*(blanks + [trim_path(entry)])))
            lines.append(row_format.format(*(blanks + [""])))
    lines.append(header_sep)
    lines.append("Self CPU time total: {}".format(_format_time(sum_self_cpu)))
    if has_cuda_time:
        lines.append("Self CUDA time total: {}".format(_format_time(sum_self_cuda)))
    return "".join(line + "\n" for line in lines)
