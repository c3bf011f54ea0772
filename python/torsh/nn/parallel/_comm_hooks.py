"""DistributedDataParallel's communication-hook path, in Python.

Without a hook, DDP's gradients go through the C++ Reducer (sum, then mean). Once
``register_comm_hook`` is called, this HookReducer replaces it and does what torch's reducer
does with a hook:

* Buckets as torch makes them: at first, with find_unused_parameters=False (or static_graph),
  one bucket per dtype holding every parameter in model order; otherwise buckets of at most
  ``dist._DEFAULT_FIRST_BUCKET_BYTES`` (the first; its value when DDP was made) and
  ``bucket_cap_mb`` (the rest), in reverse model order. Without find_unused_parameters the
  buckets are rebuilt once, after the first synchronised backward, in the order the gradients
  arrived, with the same size limits.
* A bucket's flat buffer holds its parameters' local gradients (not divided by the world
  size). When its last gradient arrives, and the buckets before it have been handed over, the
  hook is called as ``hook(state, GradBucket)`` and returns a Future.
* When every gradient has arrived, the futures are waited in bucket order and each parameter's
  ``.grad`` becomes its slice of the bucket's result. With find_unused_parameters, parameters
  that no rank used keep their ``.grad`` untouched, and locally unused ones enter the bucket as
  their current gradient (zeros when they have none).

How the gradients are caught: a hook on each parameter (``Tensor.register_hook``) sees the
incoming gradient just before it is accumulated; the bucket receives ``.grad + incoming`` (the
value accumulation is about to give). The last parameter's hook, once every bucket's future is
done, writes the results into the other parameters' ``.grad`` and gives its own result as the
gradient to accumulate (after clearing its ``.grad``), so when backward returns every ``.grad``
holds the hook's result. Parameter hooks a user registers after ``register_comm_hook`` run
after DDP's and do not change what the bucket received.
"""
import functools
import sys
import weakref

import torsh
import torsh.distributed as dist

__all__ = ["HookReducer"]


def _assign_buckets(params, order, limits):
    """torch's bucket assignment: walk ``order`` keeping one open bucket per dtype; a bucket
    closes once its bytes reach the current limit (limits[0] first, then the next ones, the
    last repeating). Returns lists of parameter indices: closed buckets in closing order, then
    the still-open ones."""
    result, open_, level = [], {}, {}
    for i in order:
        p = params[i]
        key = p.dtype
        bucket = open_.setdefault(key, [[], 0])
        bucket[0].append(i)
        bucket[1] += p.numel() * p.element_size()
        at = level.setdefault(key, 0)
        if bucket[1] >= limits[at]:
            result.append(bucket[0])
            open_[key] = [[], 0]
            level[key] = min(at + 1, len(limits) - 1)
    result.extend(b[0] for b in open_.values() if b[0])
    return result


def _find_tensors(obj):
    if isinstance(obj, torsh.Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _find_tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _find_tensors(o)]
    return []


class _Bucket:
    __slots__ = ("indices", "buffer", "offsets", "lengths", "shapes", "pending", "future")


def _unfinished_message(rank, indices):
    return ("Expected to have finished reduction in the prior iteration before starting a new "
            "one. This error indicates that your module has parameters that were not used in "
            "producing loss. You can enable unused parameter detection by passing the keyword "
            "argument `find_unused_parameters=True` to "
            "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` "
            "function outputs participate in calculating loss.\nParameter indices which did not "
            f"receive grad for rank {rank}: {', '.join(map(str, indices))}")


def _grad_hook(ref, index, grad):
    reducer = ref()
    return None if reducer is None else reducer._on_grad(index, grad)


class HookReducer:
    """Gradient buckets reduced through a user's communication hook (see the module doc)."""

    def __init__(self, params, process_group, bucket_size_limits, find_unused_parameters,
                 static_graph, state, hook):
        self.params = params
        self.process_group = process_group
        self.find_unused = find_unused_parameters
        self.state, self.hook = state, hook
        self.limits = list(bucket_size_limits)  # [first bucket's bytes, the others']
        self._rebuild = bool(static_graph) or not find_unused_parameters
        n = len(params)
        if self._rebuild:
            first = _assign_buckets(params, range(n), [sys.maxsize])
        else:
            first = _assign_buckets(params, range(n), self.limits)
        first.sort(key=min)
        self._make_buckets(list(reversed(first)))
        self._accumulators = None
        if self.find_unused:
            # Each parameter's AccumulateGrad node, kept alive so that the graph walk after
            # forward meets these very objects.
            with torsh.enable_grad():
                self._accumulators = [p.expand_as(p).grad_fn.next_functions[0][0]
                                      for p in params]
        self.arrival = []
        self.armed = False
        self.started = False
        self.failed = False
        self.ready = [False] * n
        self.unused = []
        self.remaining = 0
        self.next_launch = 0
        ref = weakref.ref(self)
        self._handles = [p.register_hook(functools.partial(_grad_hook, ref, i))
                         for i, p in enumerate(params)]

    def __del__(self):
        for h in getattr(self, "_handles", []):
            try:
                h.remove()
            except Exception:  # noqa: BLE001 - the parameter may be gone at exit
                pass

    def _make_buckets(self, assignment):
        self.buckets = []
        self.bucket_of = [0] * len(self.params)
        self.slots = [None] * len(self.params)
        for b, indices in enumerate(assignment):
            bucket = _Bucket()
            bucket.indices = list(indices)
            bucket.lengths = [self.params[i].numel() for i in indices]
            bucket.offsets = [sum(bucket.lengths[:k]) for k in range(len(indices))]
            bucket.shapes = [tuple(self.params[i].shape) for i in indices]
            bucket.buffer = torsh.zeros(sum(bucket.lengths), dtype=self.params[indices[0]].dtype)
            bucket.pending = 0
            bucket.future = None
            for i, o, n, s in zip(indices, bucket.offsets, bucket.lengths, bucket.shapes):
                self.bucket_of[i] = b
                self.slots[i] = bucket.buffer[o:o + n].view(s)
            self.buckets.append(bucket)

    def bucket_indices(self):
        return [list(b.indices) for b in self.buckets]

    # ---- called by DistributedDataParallel.forward (when this step synchronises) ----

    def prepare_for_forward(self):
        """Before the module's forward: lets the previous step's communication finish, reports
        a backward that left gradients unreduced, and rebuilds the buckets once."""
        for b in self.buckets:
            if b.future is not None:
                try:
                    b.future.wait()
                except Exception:  # noqa: BLE001 - that step's error was its backward's
                    pass
                b.future = None
        if self.armed and self.started and not self.failed:
            self.armed = False
            missing = [i for i, r in enumerate(self.ready) if not r]
            raise RuntimeError(_unfinished_message(dist.get_rank(self.process_group), missing))
        self.armed = False
        if self._rebuild and self.arrival and len(self.arrival) == len(self.params):
            self._make_buckets(_assign_buckets(self.params, self.arrival, self.limits))
            self._rebuild = False
        self.arrival = []

    def prepare_for_backward(self, outputs):
        """After the module's forward: arms the gradient hooks (and, with
        find_unused_parameters, finds the parameters the outputs do not depend on)."""
        n = len(self.params)
        self.ready = [False] * n
        self.unused = []
        if self.find_unused:
            seen, nodes = set(), []
            stack = [t.grad_fn for t in _find_tensors(outputs) if t.grad_fn is not None]
            while stack:
                fn = stack.pop()
                if id(fn) in seen:
                    continue
                seen.add(id(fn))
                nodes.append(fn)  # alive, so the same node keeps the same object
                stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)
            self.unused = [i for i, acc in enumerate(self._accumulators) if id(acc) not in seen]
            del nodes
        for b in self.buckets:
            b.pending = len(b.indices)
            b.future = None
        self.remaining = n
        self.next_launch = 0
        self.started = False
        self.failed = False
        self.armed = True

    # ---- during backward ----

    def _on_grad(self, i, grad):
        if not self.armed:
            return None
        try:
            if self.ready[i]:
                raise RuntimeError(
                    f"Expected to mark a variable ready only once. Parameter at index {i} has "
                    "been marked as ready twice. This means that multiple autograd engine "
                    "hooks have fired for this particular parameter during this iteration.")
            if not self.started:
                self.started = True
                for j in self.unused:
                    self._mark_ready(j, self.params[j].grad)
            p = self.params[i]
            with torsh.no_grad():
                full = grad if p.grad is None else p.grad + grad
            self._mark_ready(i, full)
            if self.remaining == 0:
                return self._finalize(i)
            return None
        except BaseException:
            self.failed = True
            self.armed = False
            raise

    def _mark_ready(self, i, value):
        with torsh.no_grad():
            if value is None:
                self.slots[i].zero_()
            else:
                self.slots[i].copy_(value)
        self.ready[i] = True
        self.remaining -= 1
        if self._rebuild:
            self.arrival.append(i)
        self.buckets[self.bucket_of[i]].pending -= 1
        while (self.next_launch < len(self.buckets)
               and self.buckets[self.next_launch].pending == 0):
            self._launch(self.next_launch)
            self.next_launch += 1

    def _launch(self, b):
        bucket = self.buckets[b]
        grad_bucket = dist.GradBucket(b, len(self.buckets), bucket.buffer, bucket.offsets,
                                      bucket.lengths, bucket.shapes,
                                      [self.params[i] for i in bucket.indices])
        fut = self.hook(self.state, grad_bucket)
        if not callable(getattr(fut, "wait", None)):
            raise RuntimeError("A DDP communication hook must return a torch.futures.Future, "
                               f"got {type(fut).__name__}")
        bucket.future = fut

    def _result(self, b):
        bucket = self.buckets[b]
        value = bucket.future.wait()
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if not isinstance(value, torsh.Tensor):
            raise RuntimeError("The future returned by a DDP communication hook must hold a "
                               f"single tensor, got {type(value).__name__}")
        if value.numel() != bucket.buffer.numel():
            raise RuntimeError(f"The DDP communication hook's result for bucket {b} has "
                               f"{value.numel()} elements, the bucket {bucket.buffer.numel()}")
        return value.reshape(-1)

    def _finalize(self, current):
        """Every gradient is in: wait for the hooks' futures, then write each .grad."""
        self.armed = False
        used = None
        if self.find_unused:
            flags = torsh.ones(len(self.params), dtype=torsh.int32)
            for j in self.unused:
                flags[j] = 0
            dist.all_reduce(flags, group=self.process_group)
            used = flags.tolist()
        mine = None
        with torsh.no_grad():
            for b, bucket in enumerate(self.buckets):
                result = self._result(b)
                for i, o, n, s in zip(bucket.indices, bucket.offsets, bucket.lengths,
                                      bucket.shapes):
                    if used is not None and used[i] == 0:
                        continue  # no rank used it: its .grad stays as it is
                    p = self.params[i]
                    view = result[o:o + n].view(s)
                    if i == current:
                        mine = torsh.empty_like(p).copy_(view)
                    elif p.grad is None:
                        p.grad = torsh.empty_like(p).copy_(view)
                    else:
                        p.grad.copy_(view)
            for bucket in self.buckets:
                bucket.future = None
        # backward is about to accumulate the value returned for `current`: into an empty
        # .grad, so that .grad becomes exactly the hook's result
        self.params[current].grad = None
        return mine
