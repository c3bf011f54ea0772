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


# ---- the deprecated non-full hooks (register_backward_hook), placed as torch 1.13 places them --

# Whether the global backward hooks are full ones (True), non-full ones (False) or unset (None).
_GLOBAL_KIND = {"is_full": None}


def _register_global_backward_hook(global_hooks, hook, is_full):
    """register_module_(full_)backward_hook: one kind of global backward hook at a time."""
    from torsh.nn._hooks import RemovableHandle
    if _GLOBAL_KIND["is_full"] is (not is_full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a "
                           "global Module hook. Please use only one of them.")
    _GLOBAL_KIND["is_full"] = is_full
    handle = RemovableHandle(global_hooks)
    global_hooks[handle.id] = hook
    return handle


def _split_backward_hooks(module, global_hooks):
    """(full hooks, non-full hooks) for a call of module, the global ones first."""
    full, non_full = [], []
    for is_full, hooks in ((_GLOBAL_KIND["is_full"], global_hooks),
                           (module._is_full_backward_hook, module._backward_hooks)):
        if is_full is True:
            full += hooks.values()
        elif is_full is False:
            non_full += hooks.values()
    return full, non_full


class _WrappedHook:
    """A non-full hook on a node: hook(module, grad_input, grad_output); it holds the module
    weakly, as torch's."""

    def __init__(self, hook, module):
        import weakref
        self.hook, self.module = hook, weakref.ref(module)

    def __call__(self, grad_input, grad_output):
        module = self.module()
        if module is None:
            raise RuntimeError("You are trying to call the hook of a dead Module!")
        return self.hook(module, grad_input, grad_output)


def _attach_non_full_hooks(module, hooks, inputs, result):
    """Registers the hooks on the grad_fn of the first tensor of forward's result, and warns as
    torch does where that node cannot see every input and output."""
    var = result
    while not isinstance(var, Tensor):
        if isinstance(var, dict):
            var = next(v for v in var.values() if isinstance(v, Tensor))
        else:
            var = var[0]
    grad_fn = var.grad_fn
    if grad_fn is None:
        return
    for hook in hooks:
        grad_fn.register_hook(_WrappedHook(hook, module))
    _warn_non_full(inputs, result, grad_fn)


_SUFFIX = ("is deprecated and will be removed in future versions. This hook will be missing "
           "some {}.")
_ADVICE = " Please use register_full_backward_hook to get the documented behavior."


def _warn_non_full(inputs, result, grad_fn):
    import warnings

    def is_tensors(x):
        return isinstance(x, tuple) and all(isinstance(t, Tensor) for t in x)
    if not isinstance(result, Tensor) and not is_tensors(result):
        warnings.warn("Using non-full backward hooks on a Module that does not return a single "
                      "Tensor or a tuple of Tensors " + _SUFFIX.format("of the grad_output") +
                      _ADVICE)
        return
    result = (result,) if isinstance(result, Tensor) else result
    if not isinstance(inputs, Tensor) and not is_tensors(inputs):
        warnings.warn("Using non-full backward hooks on a Module that does not take as input a "
                      "single Tensor or a tuple of Tensors " +
                      _SUFFIX.format("of the grad_input") + _ADVICE)
        return
    inputs = (inputs,) if isinstance(inputs, Tensor) else inputs
    out_fns = {r.grad_fn for r in result if r.grad_fn is not None}
    if not out_fns or (len(out_fns) == 1 and grad_fn not in out_fns):
        warnings.warn("Using a non-full backward hook when outputs are nested in python data "
                      "structure " + _SUFFIX.format("grad_output"))
    elif len(out_fns) > 1:
        warnings.warn("Using a non-full backward hook when outputs are generated by different "
                      "autograd Nodes " + _SUFFIX.format("grad_output") + _ADVICE)
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != \
            {n[0] for n in grad_fn.next_functions}:
        warnings.warn("Using a non-full backward hook when the forward contains multiple "
                      "autograd Nodes " + _SUFFIX.format("grad_input") + _ADVICE)
