"""torch.optim.Optimizer (torch 1.13 semantics): parameter groups, per-parameter state,
zero_grad, state_dict / load_state_dict in torch's exact format, and the helpers the concrete
optimizers share."""
import copy
import functools
import warnings
from collections import abc as container_abcs
from collections import defaultdict
from itertools import chain

import torsh
from torsh import Tensor

__all__ = ["Optimizer"]


class _RequiredParameter:
    """Singleton marking an optimization option that has no default (SGD's lr)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(o):
    """torch.typename: a tensor's type string ('torch.FloatTensor'), else module.qualname."""
    if isinstance(o, Tensor):
        return o.type()
    module = ""
    if getattr(o, "__module__", None) not in (None, "builtins", "__builtin__"):
        module = o.__module__ + "."
    if hasattr(o, "__qualname__"):
        name = o.__qualname__
    elif hasattr(o, "__name__"):
        name = o.__name__
    else:
        name = o.__class__.__name__
    return module + name


def _is_complex(t):
    return str(t.dtype).startswith("torch.complex")


def _is_sparse(t):
    return bool(getattr(t, "is_sparse", False))


# The one-pass C++ steps (torsh._C._fused_<name>_) run a group wherever every tensor qualifies
# (they change nothing and return False otherwise). Tests turn them off to compare with the
# op-by-op path below each call.
_FUSED_STEPS = True


def _fused_ok(differentiable=False):
    return _FUSED_STEPS and not differentiable


def _deepcopy(value, memo=None):
    """copy.deepcopy that also copies tensors (a detached clone keeping requires_grad), so an
    optimizer state_dict can be copied whether or not tensors implement __deepcopy__."""
    if memo is None:
        memo = {}
    key = id(value)
    if key in memo:
        return memo[key]
    if isinstance(value, Tensor):
        out = value.detach().clone()
        if value.requires_grad:
            out.requires_grad_(True)
    elif isinstance(value, dict):
        if isinstance(value, defaultdict):
            out = defaultdict(value.default_factory)
        else:
            try:
                out = type(value)()
            except TypeError:
                out = {}
        for k, v in value.items():
            out[_deepcopy(k, memo)] = _deepcopy(v, memo)
    elif isinstance(value, list):
        out = [_deepcopy(v, memo) for v in value]
    elif isinstance(value, tuple) and not hasattr(value, "_fields"):
        out = tuple(_deepcopy(v, memo) for v in value)
    else:
        out = copy.deepcopy(value)
    memo[key] = out
    return out


def _use_grad_for_differentiable(func):
    """Runs an optimizer's step with grad mode set to its `differentiable` default (off unless
    the optimizer was built with differentiable=True), as torch's step decorators do."""
    @functools.wraps(func)
    def _use_grad(self, *args, **kwargs):
        prev = torsh.is_grad_enabled()
        try:
            torsh.set_grad_enabled(bool(self.defaults.get("differentiable", False)))
            return func(self, *args, **kwargs)
        finally:
            torsh.set_grad_enabled(prev)
    return _use_grad


def _run_closure(closure):
    if closure is None:
        return None
    with torsh.enable_grad():
        return closure()


def _step_to_tensor(state, key="step"):
    """1.13 keeps some counters as 0-dim float tensors; an older state_dict (or one built by
    hand) may carry plain numbers, which __setstate__ converts as torch does."""
    values = list(state.values())
    if len(values) != 0 and not isinstance(values[0][key], Tensor):
        for s in values:
            s[key] = torsh.tensor(float(s[key]))


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of Tensors or dicts. Specifies what Tensors should be
            optimized.
        defaults (dict): default values of optimization options (used when a parameter group
            doesn't specify them).
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        self._warned_capturable_if_run_uncaptured = True

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\n"
            s += "Parameter Group {0}\n".format(i)
            for key in sorted(group.keys()):
                if key != "params":
                    s += "    {0}: {1}\n".format(key, group[key])
        s += ")"
        return s

    def state_dict(self):
        r"""The optimizer's state as a dict with two entries: ``state`` (per-parameter state
        keyed by the parameter's index over all groups) and ``param_groups`` (each group's
        options, with ``params`` as a list of those indices)."""
        index_of = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), i)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        r"""Loads the optimizer state (an object returned by :meth:`state_dict`). Tensors in the
        state are copied; floating-point ones (except ``step``) are cast to their parameter's
        dtype."""
        state_dict = _deepcopy(state_dict)
        groups = self.param_groups
        saved_groups = state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        param_lens = (len(g["params"]) for g in groups)
        saved_lens = (len(g["params"]) for g in saved_groups)
        if any(p_len != s_len for p_len, s_len in zip(param_lens, saved_lens)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = {old_id: p for old_id, p in
                  zip(chain.from_iterable(g["params"] for g in saved_groups),
                      chain.from_iterable(g["params"] for g in groups))}

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                if key != "step":
                    if param.is_floating_point():
                        value = value.to(param.dtype)
                    value = value.to(param.device)
                return value
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, container_abcs.Iterable) and not isinstance(value, (str, bytes)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})

    def zero_grad(self, set_to_none: bool = False):
        r"""Sets the gradients of all optimized tensors to zero (in place, detached from any
        graph), or to None with ``set_to_none=True``. torch 1.13's default is False."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure):
        r"""Performs a single optimization step (parameter update)."""
        raise NotImplementedError

    def add_param_group(self, param_group):
        r"""Adds a parameter group (a dict with ``params`` and optional options) to
        :attr:`param_groups`; missing options take the optimizer's defaults."""
        assert isinstance(param_group, dict), "param group must be a dict"
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 "optimization parameter " + name)
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)
