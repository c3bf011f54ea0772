"""Activation checkpointing: run a function without keeping its intermediates and recompute
them during backward (torch.utils.checkpoint.checkpoint)."""
import torsh
from torsh.autograd.function import Function


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.inputs = args
        ctx.rng_state = None
        if preserve_rng_state:
            ctx.rng_state = torsh.initial_seed()
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = []
        for a in ctx.inputs:
            if isinstance(a, torsh.Tensor):
                d = a.detach()
                d.requires_grad_(a.requires_grad)
                inputs.append(d)
            else:
                inputs.append(a)
        with torsh.enable_grad():
            outs = ctx.run_function(*inputs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        pairs = [(o, g) for o, g in zip(outs, grads)
                 if isinstance(o, torsh.Tensor) and o.requires_grad and g is not None]
        wrt = [x for x in inputs if isinstance(x, torsh.Tensor) and x.requires_grad]
        got = iter(torsh.autograd.grad([o for o, _ in pairs], wrt, [g for _, g in pairs],
                                       allow_unused=True) if pairs else [None] * len(wrt))
        result = [None, None]
        for x in inputs:
            result.append(next(got) if isinstance(x, torsh.Tensor) and x.requires_grad else None)
        return tuple(result)


def checkpoint(function, *args, use_reentrant=True, preserve_rng_state=True, **kwargs):
    """Runs function(*args) saving only its inputs; backward recomputes the forward pass."""
    del use_reentrant, kwargs  # one implementation serves both modes
    return _Checkpoint.apply(function, preserve_rng_state, *args)
