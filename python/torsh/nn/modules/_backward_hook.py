"""The machinery of Module's full backward hooks (torch 1.13's BackwardHook): the module's tensor
inputs and outputs pass through an identity autograd Function whose backward hands the gradients
to the hooks."""
import torsh
from torsh import Tensor
from torsh.autograd.function import Function


class BackwardHookFunction(Function):
    """Identity on the tensors given after ``callback``; its backward passes the incoming
    gradients through ``callback`` (which may replace them). Named as torch's, so the outputs'
    grad_fn is a ``BackwardHookFunctionBackward``."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        # the hooks see torch's raw node gradients: None for an output that got none
        ctx.set_materialize_grads(False)
        # New tensor objects over the same memory: the graph attaches to them, not the inputs.
        return tuple(t.detach() for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))


class _BackwardHook:
    """One module call's full backward hooks: the outputs' identity records grad_output, the
    inputs' identity then calls the hooks with (grad_input, grad_output). Entries of non-tensor
    arguments are None; as torch's materialising Function, an input tensor that gets no
    gradient reports zeros (inputs that do not require grad included)."""

    def __init__(self, module, user_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.grad_outputs = None
        self.n_inputs = -1
        self.input_tensors = None    # (index, tensor) of every tensor argument
        self.input_grad_index = None  # indices of the ones that go through the identity
        self.n_outputs = -1
        self.output_grad_index = None

    @staticmethod
    def _wrap(args, callback):
        """Passes the tensors of ``args`` that require grad through the identity Function;
        returns (new args, indices of the wrapped ones), or (args, None) when none can get a
        gradient."""
        if not (torsh.is_grad_enabled() and
                any(isinstance(a, Tensor) and a.requires_grad for a in args)):
            return args, None
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        new = BackwardHookFunction.apply(callback, *(args[i] for i in index))
        out = list(args)
        for i, t in zip(index, new):
            out[i] = t
        return tuple(out), index

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        self.input_tensors = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor)]
        args, self.input_grad_index = self._wrap(args, self._on_input_grads)
        return args

    def setup_output_hook(self, result):
        is_tuple = isinstance(result, tuple)
        outs = result if is_tuple else (result,)
        self.n_outputs = len(outs)
        outs, self.output_grad_index = self._wrap(outs, self._on_output_grads)
        return outs if is_tuple else outs[0]

    def _on_output_grads(self, grads):
        packed = [None] * self.n_outputs
        for i, g in zip(self.output_grad_index, grads):
            packed[i] = g
        self.grad_outputs = tuple(packed)
        if self.input_grad_index is None:
            # No input can get a gradient: the hooks run now, with no grad_input to replace.
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple) and
                                            all(r is None for r in res)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients.")
            self.grad_outputs = None
        return grads

    def _on_input_grads(self, grads):
        if self.grad_outputs is None:
            # The gradient reached the inputs without passing through the outputs (e.g. a
            # double backward): no hook call.
            return grads
        by_index = dict(zip(self.input_grad_index, grads))
        packed = [None] * self.n_inputs
        for i, t in self.input_tensors:
            g = by_index.get(i)
            packed[i] = torsh.zeros_like(t) if g is None else g
        res = tuple(packed)
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   "got {}, but expected {}".format(len(out), len(res)))
            res = out
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_grad_index)
