"""torch.nn.utils.prune (torch 1.13): zero out parts of a module's parameters with a mask.

Pruning parameter ``name`` of a module moves the original tensor to the parameter
``name_orig``, stores a 0/1 tensor in the buffer ``name_mask`` and sets ``name`` to the plain
attribute ``name_orig * name_mask``. The pruning method itself is registered as a forward
pre-hook, so ``name`` is recomputed from ``name_orig`` and ``name_mask`` before every forward
and gradients reach ``name_orig`` through the mask. Pruning the same parameter again combines
the methods in a :class:`PruningContainer`: the new method only acts on the entries (or the
channels) the earlier masks kept. :func:`remove` makes the pruning permanent: ``name`` becomes
a parameter again, holding the masked values.

The random methods draw their numbers through ``torsh.rand`` / ``torsh.rand_like`` in the same
order and shapes as torch does, so the same seed prunes the same entries.
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

import torsh
from torsh.nn.utils.convert_parameters import parameters_to_vector

__all__ = [
    "BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured",
    "L1Unstructured", "RandomStructured", "LnStructured", "CustomFromMask",
    "identity", "random_unstructured", "l1_unstructured", "random_structured",
    "ln_structured", "global_unstructured", "custom_from_mask", "remove", "is_pruned",
]


class BasePruningMethod(ABC):
    """The interface of a pruning method: ``compute_mask`` says which entries of a tensor to
    keep; ``apply`` installs the method on a module's parameter (as a forward pre-hook), and the
    method then recomputes the pruned tensor before every forward."""

    _tensor_name: str

    def __init__(self):
        pass

    def __call__(self, module, inputs):
        """The forward pre-hook: refreshes ``module.<name>`` from ``<name>_orig`` and
        ``<name>_mask``."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for tensor ``t``, starting from ``default_mask`` (the entries pruned
        before, which stay pruned). Returns a tensor shaped like ``t``."""

    def apply_mask(self, module):
        """``<name>_orig`` times ``<name>_mask`` (the mask cast to the parameter's dtype)."""
        assert self._tensor_name is not None, "Module {} has to be pruned".format(module)
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prunes ``module.<name>`` with ``cls(*args, **kwargs)`` and installs the method as a
        forward pre-hook; when ``name`` is already pruned the new method joins the old one(s)
        in a PruningContainer. ``importance_scores`` (shaped like the parameter) replaces the
        parameter's values when the mask is computed. Returns the installed method."""
        method = _installed_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            assert importance_scores.shape == orig.shape, (
                "importance_scores should have the same shape as parameter {} of {}"
                .format(name, module))
        else:
            importance_scores = orig

        first = not isinstance(method, PruningContainer)
        if first:
            # The parameter moves to <name>_orig; <name> becomes a computed attribute.
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = torsh.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone(
                memory_format=torsh.contiguous_format)

        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:
                # Put the parameter back where it was.
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t`` times the mask this method computes for it (from ``importance_scores`` when
        given); no module involved."""
        if importance_scores is not None:
            assert importance_scores.shape == t.shape, (
                "importance_scores should have the same shape as tensor t")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = torsh.ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Makes the pruning permanent: ``<name>`` becomes a parameter again holding the
        masked values, and ``<name>_orig`` / ``<name>_mask`` go away. The hook itself is not
        unregistered here (the function :func:`remove` does that)."""
        assert self._tensor_name is not None, (
            "Module {} has to be pruned before pruning can be removed".format(module))
        pruned = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        param = module._parameters[self._tensor_name + "_orig"]
        param.data = pruned.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, param)


def _installed_method(cls, module, name, *args, **kwargs):
    """A new ``cls(*args, **kwargs)`` for ``module.<name>``, merged with the pruning hook
    already on that tensor (if any) into a PruningContainer. The old hook is unregistered; the
    caller registers the result."""
    old, keys = None, []
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            old = hook
            keys.append(key)
    assert len(keys) <= 1, (
        "Avoid adding multiple pruning hooks to the same tensor {} of module {}. "
        "Use a PruningContainer.".format(name, module))
    for key in keys:
        del module._forward_pre_hooks[key]

    method = cls(*args, **kwargs)
    method._tensor_name = name
    if isinstance(old, PruningContainer):
        old.add_pruning_method(method)
        return old
    if isinstance(old, BasePruningMethod):
        container = PruningContainer(old)
        container.add_pruning_method(method)
        return container
    return method


class PruningContainer(BasePruningMethod):
    """A sequence of pruning methods applied one after another to the same tensor. Its mask is
    the previous mask further pruned by the last method, which sees only what is still kept:
    the surviving entries (unstructured methods), the surviving channels (structured methods)
    or the whole tensor (global methods such as CustomFromMask)."""

    def __init__(self, *args):
        self._pruning_methods = tuple()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Appends ``method``, which must be a pruning method acting on the same tensor."""
        if method is not None and not isinstance(method, BasePruningMethod):
            raise TypeError("{} is not a BasePruningMethod subclass".format(type(method)))
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                "Can only add pruning methods acting on the parameter named '{}' to "
                "PruningContainer {}. Found '{}'".format(
                    self._tensor_name, self, method._tensor_name))
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """``default_mask`` further pruned by the last method of the container, which computes
        its mask on the part of ``t`` that ``default_mask`` still keeps (see the class doc)."""
        method = self._pruning_methods[-1]
        mask = default_mask
        combined = mask.to(dtype=t.dtype)
        kind = method.PRUNING_TYPE
        if kind == "unstructured":
            where = mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError(
                    'Pruning methods of PRUNING_TYPE "structured" need to have the attribute '
                    "`dim` defined.")
            ndim = t.dim()
            dim = method.dim
            if dim < 0:
                dim += ndim
            if dim < 0:
                raise IndexError(
                    "Index is out of bounds for tensor with dimensions {}".format(ndim))
            # a channel survives while any of its entries is kept
            alive = mask.sum(dim=[d for d in range(ndim) if d != dim]) != 0
            where = [slice(None)] * ndim
            where[dim] = alive
            where = tuple(where)
        elif kind == "global":
            where = (slice(None),) * len(t.shape)
        else:
            raise ValueError("Unrecognized PRUNING_TYPE {}".format(kind))
        partial = method.compute_mask(t[where], default_mask=mask[where])
        combined[where] = partial.to(dtype=combined.dtype)
        return combined


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones. Useful to give a module the pruned layout
    (``name_orig``, ``name_mask``, hook) without zeroing anything."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        """Installs an Identity pruning on ``module.<name>``."""
        return super(Identity, cls).apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes ``amount`` entries (an int count, or a float fraction of the tensor) chosen at
    random among all entries."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        size = t.nelement()
        k = _amount_to_count(self.amount, size)
        _check_amount_fits(k, size)
        mask = default_mask.clone(memory_format=torsh.contiguous_format)
        if k != 0:
            # the k entries with the largest uniform draws are pruned
            scores = torsh.rand_like(t)
            chosen = torsh.topk(scores.view(-1), k=k).indices
            mask.view(-1)[chosen] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount):
        """Installs a RandomUnstructured pruning on ``module.<name>``."""
        return super(RandomUnstructured, cls).apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries (an int count, or a float fraction) of smallest absolute
    value."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        size = t.nelement()
        k = _amount_to_count(self.amount, size)
        _check_amount_fits(k, size)
        mask = default_mask.clone(memory_format=torsh.contiguous_format)
        if k != 0:
            chosen = torsh.topk(torsh.abs(t).view(-1), k=k, largest=False).indices
            mask.view(-1)[chosen] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        """Installs an L1Unstructured pruning on ``module.<name>``, ranking entries by
        ``importance_scores`` when given."""
        return super(L1Unstructured, cls).apply(
            module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels (slices along ``dim``) chosen at random."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """A mask zeroing the chosen channels of ``t`` (and whatever ``default_mask`` already
        zeroes). Raises ValueError for a tensor of fewer than 2 dims."""
        _check_multidim(t)
        _check_dim(t, self.dim)
        nchannels = t.shape[self.dim]
        k = _amount_to_count(self.amount, nchannels)
        _check_amount_fits(k, nchannels)
        if k == 0:
            return default_mask
        # a channel survives when its uniform draw is above the k-th smallest draw
        draws = torsh.rand(nchannels)
        cutoff = torsh.kthvalue(draws, k=k).values
        keep = draws > cutoff
        mask = torsh.zeros_like(t)
        index = [slice(None)] * len(t.shape)
        index[self.dim] = keep
        mask[tuple(index)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        """Installs a RandomStructured pruning on ``module.<name>``."""
        return super(RandomStructured, cls).apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` channels (slices along ``dim``) of smallest ``n``-norm (``n`` as
    the ``p`` of :func:`torsh.norm`: a number, ``inf``, ``-inf``, ``'fro'`` or ``'nuc'``)."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """A mask keeping the channels of ``t`` with the largest norms (and zeroing whatever
        ``default_mask`` already zeroes). Raises ValueError for a tensor of fewer than 2
        dims."""
        _check_multidim(t)
        _check_dim(t, self.dim)
        nchannels = t.shape[self.dim]
        k = _amount_to_count(self.amount, nchannels)
        _check_amount_fits(k, nchannels)
        norms = _channel_norms(t, self.n, self.dim)
        kept = torsh.topk(norms, k=nchannels - k, largest=True).indices
        if k == 0:
            return default_mask
        mask = torsh.zeros_like(t)
        index = [slice(None)] * len(t.shape)
        index[self.dim] = kept
        mask[tuple(index)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        """Installs an LnStructured pruning on ``module.<name>``, ranking channels by the
        norms of ``importance_scores`` when given."""
        return super(LnStructured, cls).apply(
            module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes with a mask given by the caller (combined with any earlier mask)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        assert default_mask.shape == self.mask.shape
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        """Installs a CustomFromMask pruning on ``module.<name>``."""
        return super(CustomFromMask, cls).apply(module, name, mask=mask)


# The functional interface: each prunes in place and returns the module.

def identity(module, name):
    """Gives ``module.<name>`` the pruned layout with an all-ones mask. Returns ``module``."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prunes ``amount`` random entries of ``module.<name>``. Returns ``module``."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prunes the ``amount`` entries of ``module.<name>`` with the smallest magnitude (of
    ``importance_scores`` when given). Returns ``module``."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prunes ``amount`` random channels along ``dim`` of ``module.<name>``. Returns
    ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prunes the ``amount`` channels along ``dim`` of ``module.<name>`` with the smallest
    ``n``-norm. Returns ``module``."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prunes several tensors at once, as if they were one vector: ``parameters`` is an
    iterable of ``(module, name)`` pairs, ``pruning_method`` an unstructured pruning class (made
    with ``**kwargs``, e.g. ``amount``) that picks the entries to prune across all of them.
    ``importance_scores`` optionally maps ``(module, name)`` to the scores to rank that
    tensor's entries by. Each tensor is then pruned with its part of the mask
    (:class:`CustomFromMask`)."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    if importance_scores is None:
        importance_scores = {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")

    scores = parameters_to_vector([
        importance_scores.get((module, name), getattr(module, name))
        for module, name in parameters])
    start_mask = parameters_to_vector([
        getattr(module, name + "_mask", torsh.ones_like(getattr(module, name)))
        for module, name in parameters])

    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
            "Found method {} of type {}".format(pruning_method, method.PRUNING_TYPE))
    container.add_pruning_method(method)
    mask = container.compute_mask(scores, start_mask)

    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        count = param.numel()
        custom_from_mask(module, name, mask=mask[start:start + count].view_as(param))
        start += count


def custom_from_mask(module, name, mask):
    """Prunes ``module.<name>`` where ``mask`` is 0. Returns ``module``."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Makes the pruning of ``module.<name>`` permanent and unregisters its hook: ``name`` is a
    parameter again, holding the pruned values. Raises ValueError when ``name`` is not pruned.
    Returns ``module``."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(
        "Parameter '{}' of module {} has to be pruned before pruning can be removed"
        .format(name, module))


def is_pruned(module):
    """Whether ``module`` or any of its submodules has a pruning hook."""
    for _, sub in module.named_modules():
        for hook in sub._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False


# Checks and helpers shared by the methods.

def _check_amount(amount):
    """At construction: ``amount`` is a non-negative int or a float in [0, 1]."""
    if not isinstance(amount, numbers.Real):
        raise TypeError("Invalid type for amount: {}. Must be int or float.".format(amount))
    if isinstance(amount, numbers.Integral):
        bad = amount < 0
    else:
        bad = float(amount) > 1.0 or float(amount) < 0.0
    if bad:
        raise ValueError(
            "amount={} should either be a float in the range [0, 1] or a non-negative "
            "integer".format(amount))


def _check_amount_fits(amount, tensor_size):
    """An int ``amount`` can't exceed the number of entries (or channels) there are."""
    if isinstance(amount, numbers.Integral) and amount > tensor_size:
        raise ValueError(
            "amount={} should be smaller than the number of parameters to prune={}"
            .format(amount, tensor_size))


def _amount_to_count(amount, tensor_size):
    """The number of entries to prune: an int amount as is, a fraction rounded (half to
    even, as Python's round)."""
    if isinstance(amount, numbers.Integral):
        return amount
    return round(amount * tensor_size)


def _check_multidim(t):
    """Structured methods need channels: a tensor of 2 or more dims."""
    shape = t.shape
    if len(shape) <= 1:
        raise ValueError(
            "Structured pruning can only be applied to multidimensional tensors. Found tensor "
            "of shape {} with {} dims".format(shape, len(shape)))


def _check_dim(t, dim):
    """``dim`` is not past the last dim of ``t`` (a too negative dim fails at indexing)."""
    if dim >= t.dim():
        raise IndexError("Invalid index {} for tensor of size {}".format(dim, t.shape))


def _channel_norms(t, n, dim):
    """The ``n``-norm of each slice of ``t`` along ``dim`` (over all the other dims)."""
    dims = list(range(t.dim()))
    if dim < 0:
        dim = dims[dim]
    dims.remove(dim)
    return torsh.norm(t, p=n, dim=dims)
