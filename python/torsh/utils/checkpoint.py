"""Activation checkpointing: run a function without keeping its intermediates and recompute
them during backward (torch.utils.checkpoint.checkpoint, checkpoint_sequential)."""
import warnings
import weakref

import torsh
from torsh.autograd.function import Function
from torsh.autograd.graph import saved_tensors_hooks
from torsh.random import fork_rng


def detach_variable(inputs):
    """Detached copies of the tensors in a tuple, requiring grad where the originals do."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: ",
                           type(inputs).__name__)
    out = []
    for a in inputs:
        if isinstance(a, torsh.Tensor):
            d = a.detach()
            d.requires_grad_(a.requires_grad)
            out.append(d)
        else:
            out.append(a)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(a.requires_grad for a in inputs if isinstance(a, torsh.Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")


def get_device_states(*args):
    """The CUDA devices the tensor arguments live on and each device's RNG state. Non-tensors and
    CPU tensors are ignored, so on CPU (torsh has no CUDA tensors) both lists are empty."""
    devices = list({a.get_device() for a in args if isinstance(a, torsh.Tensor) and a.is_cuda})
    states = []
    for d in devices:
        with torsh.cuda.device(d):
            states.append(torsh.cuda.get_rng_state())
    return devices, states


def set_device_states(devices, states):
    """Restores the RNG state of each device from get_device_states (pairs zipped, so empty
    lists do nothing)."""
    for d, s in zip(devices, states):
        with torsh.cuda.device(d):
            torsh.cuda.set_rng_state(s)


class CheckpointFunction(Function):
    """Reentrant mode: forward runs without a graph; backward reruns it with one and calls
    backward() through it, so gradients also reach tensors the function captured."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.fwd_cpu_state = torsh.get_rng_state() if preserve_rng_state else None
        ctx.inputs = args
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        if not torsh.autograd._is_checkpoint_valid():
            raise RuntimeError(
                "Checkpointing is not compatible with .grad() or when an `inputs` parameter is "
                "passed to .backward(). Please use .backward() and do not pass its `inputs` "
                "argument.")
        with fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                torsh.set_rng_state(ctx.fwd_cpu_state)
            detached = detach_variable(tuple(ctx.inputs))
            with torsh.enable_grad():
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, torsh.Tensor):
            outputs = (outputs,)
        outs, out_grads = [], []
        for i, o in enumerate(outputs):
            if isinstance(o, torsh.Tensor) and o.requires_grad:
                g = grads[i] if i < len(grads) else None
                outs.append(o)
                # Gradients of outputs that received none are zeros, as torch materializes them.
                out_grads.append(torsh.zeros_like(o) if g is None else g)
        if not outs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        torsh.autograd.backward(outs, out_grads)
        return (None, None) + tuple(a.grad if isinstance(a, torsh.Tensor) else None
                                    for a in detached)


class _Slot:
    """Stands for one saved tensor of the checkpointed forward until recomputation fills it."""


def _checkpoint_without_reentrant(function, preserve_rng_state, *args, **kwargs):
    """Non-reentrant mode: the forward records its graph as usual, but the tensors its nodes
    save are replaced by slots; the first unpack in backward reruns the function (with the
    forward's RNG state) to fill them."""
    fwd_cpu_state = torsh.get_rng_state() if preserve_rng_state else None
    values = weakref.WeakKeyDictionary()  # slot -> recomputed tensor
    slots = []  # weak references, in the order the forward saved them
    recomputed = False

    def pack(_):
        slot = _Slot()
        slots.append(weakref.ref(slot))
        return slot

    def recompute():
        count = 0

        def fill(t):
            nonlocal count
            count += 1
            slot = slots[count - 1]() if count <= len(slots) else None
            # A slot whose saved variable is gone (its node freed) is not filled.
            if slot is not None:
                values[slot] = t.detach()

        def never(_):
            raise RuntimeError("You are calling backwards on a tensor that is never exposed. "
                               "Please open an issue.")

        with fork_rng(enabled=preserve_rng_state):
            if preserve_rng_state:
                torsh.set_rng_state(fwd_cpu_state)
            with torsh.enable_grad(), saved_tensors_hooks(fill, never):
                function(*args, **kwargs)

    def unpack(slot):
        nonlocal recomputed
        if not recomputed:
            recomputed = True
            recompute()
        if slot not in values:
            raise RuntimeError(
                "Attempt to retrieve a tensor saved by autograd multiple times without checkpoint "
                "recomputation being triggered in between, this is not currently supported.")
        return values[slot]

    with saved_tensors_hooks(pack, unpack):
        return function(*args, **kwargs)


def checkpoint(function, *args, use_reentrant=True, **kwargs):
    """Runs function(*args, **kwargs) without keeping its intermediates; backward recomputes
    them. preserve_rng_state=True (keyword) makes the recomputation draw the forward's random
    numbers. use_reentrant=False also supports keyword arguments, autograd.grad and double
    backward."""
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, *args, **kwargs)


def checkpoint_sequential(functions, segments, input, **kwargs):
    """Runs a sequential model (an nn.Sequential or a list of modules/functions) in `segments`
    chunks, checkpointing every chunk but the last: only each chunk's input is kept, the
    activations inside are recomputed in backward. preserve_rng_state=True (keyword) as in
    checkpoint."""
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    if isinstance(functions, torsh.nn.Sequential):
        functions = list(functions.children())

    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
