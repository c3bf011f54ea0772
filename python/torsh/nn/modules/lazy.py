"""torch.nn.modules.lazy.LazyModuleMixin and the lazy layers of torch 1.13: LazyLinear,
LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d.

A lazy layer holds UninitializedParameter / UninitializedBuffer objects until its first
forward, whose input gives the missing size (in_features, in_channels or num_features). The
parameters are then materialised and initialised by the regular layer's reset_parameters (so
the same seed gives torch's weights), and the module becomes that regular layer
(``cls_to_become``).
"""
import itertools
import warnings

import torsh
from torsh.nn.parameter import Parameter, UninitializedBuffer, UninitializedParameter, is_lazy
from torsh.nn.modules.batchnorm import _BatchNorm, _NormBase, BatchNorm1d, BatchNorm2d, \
    BatchNorm3d
from torsh.nn.modules.conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, \
    ConvTranspose3d
from torsh.nn.modules.instancenorm import _InstanceNorm, InstanceNorm1d, InstanceNorm2d, \
    InstanceNorm3d
from torsh.nn.modules.linear import Linear

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyModuleMixin:
    r"""A mixin for modules whose parameters' shapes are inferred at the first forward.

    A subclass implements ``initialize_parameters(*input)``, which materialises its
    uninitialised parameters and buffers. A forward pre-hook calls it, then turns the module
    into ``cls_to_become`` (when set) and removes itself. Loading a state_dict with initialised
    tensors materialises the matching uninitialised ones first.
    """

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters)
        warnings.warn("Lazy modules are a new feature under heavy development so changes to the "
                      "API or functionality can happen at any moment.")

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # An uninitialised tensor is saved as itself: detaching would lose what it is.
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = (param if is_lazy(param) or keep_vars
                                              else param.detach())
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if is_lazy(buf) or keep_vars else buf.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys,
                        unexpected_keys, error_msgs):
        """load_state_dict pre-hook: an uninitialised tensor about to receive an initialised one
        takes its shape."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None:
                input_param = state_dict[key]
                if is_lazy(param) and not is_lazy(input_param):
                    with torsh.no_grad():
                        param.materialize(input_param.shape)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        # Module's loader compares shapes, which an uninitialised tensor refuses to give; as in
        # torch, an uninitialised entry loaded into an uninitialised tensor is a no-op. Both
        # stand aside (replaced by empty tensors) while the loader runs.
        stand_ins = []
        for store in (self._parameters, self._buffers):
            for name, t in store.items():
                key = prefix + name
                if is_lazy(t) and is_lazy(state_dict.get(key)):
                    empty = torsh.empty(0)
                    stand_ins.append((store, name, t, key, state_dict[key]))
                    store[name] = Parameter(empty, t.requires_grad) if isinstance(
                        t, Parameter) else empty
                    state_dict[key] = empty
        try:
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                          missing_keys, unexpected_keys, error_msgs)
        finally:
            for store, name, t, key, entry in stand_ins:
                store[name] = t
                state_dict[key] = entry

    def _apply(self, fn):
        # A conversion (to(dtype), double(), ...) returns a plain tensor for an uninitialised
        # buffer; it stays uninitialised, with the new dtype and device.
        lazy_buffers = [k for k, b in self._buffers.items() if is_lazy(b)]
        super()._apply(fn)
        for k in lazy_buffers:
            b = self._buffers[k]
            if b is not None and not is_lazy(b):
                b.__class__ = UninitializedBuffer
        return self

    def initialize_parameters(self, *args, **kwargs):
        r"""Materialises and initialises the uninitialised parameters from the input."""
        raise NotImplementedError("initialize_parameters is not implemented for {}".format(
            self.__class__.__name__))

    def has_uninitialized_params(self):
        r"""Whether any parameter or buffer is still uninitialised."""
        for t in itertools.chain(self._parameters.values(), self._buffers.values()):
            if is_lazy(t):
                return True
        return False

    def _infer_parameters(self, module, input):
        """Forward pre-hook: initialise from the first input, then become cls_to_become."""
        module.initialize_parameters(*input)
        if module.has_uninitialized_params():
            raise RuntimeError("module {} has not been fully initialized".format(
                self._get_name()))
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with "
                           "`DataParallel`. Run a dummy forward pass to correctly initialize "
                           "the modules")


class LazyLinear(LazyModuleMixin, Linear):
    r"""A :class:`Linear` whose ``in_features`` is inferred from ``input.shape[-1]``."""

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        # No bias yet: a tensor created here would be replaced right away.
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(**factory_kwargs)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(**factory_kwargs)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with torsh.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


class _LazyConvXdMixin(LazyModuleMixin):
    """The lazy convolutions: ``in_channels`` is the input's channel dim (dim 1 when batched,
    else 0)."""

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            self.weight.materialize(shape)
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input):
        no_batch = self._get_num_spatial_dims() + 1
        if input.dim() not in (no_batch, no_batch + 1):
            raise RuntimeError("Expected {}D (unbatched) or {}D (batched) input to {}, but got "
                               "input of size: {}".format(no_batch, no_batch + 1,
                                                          self.__class__.__name__, input.shape))
        return input.shape[1] if input.dim() == no_batch + 1 else input.shape[0]

    def _get_num_spatial_dims(self):
        return self._dims


def _lazy_conv_init(self, out_channels, bias, factory_kwargs):
    self.weight = UninitializedParameter(**factory_kwargs)
    self.out_channels = out_channels
    if bias:
        self.bias = UninitializedParameter(**factory_kwargs)


class _LazyConvNd(_LazyConvXdMixin):
    """LazyConv1d/2d/3d: the arguments of ConvNd without in_channels."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, **factory_kwargs)
        _lazy_conv_init(self, out_channels, bias, factory_kwargs)


class _LazyConvTransposeNd(_LazyConvXdMixin):
    """LazyConvTranspose1d/2d/3d: the arguments of ConvTransposeNd without in_channels."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, **factory_kwargs)
        _lazy_conv_init(self, out_channels, bias, factory_kwargs)


class LazyConv1d(_LazyConvNd, Conv1d):
    r"""A :class:`Conv1d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    r"""A :class:`Conv2d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    r"""A :class:`Conv3d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    r"""A :class:`ConvTranspose1d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    r"""A :class:`ConvTranspose2d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    r"""A :class:`ConvTranspose3d` whose ``in_channels`` is inferred from the input."""
    cls_to_become = ConvTranspose3d


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """The lazy batch and instance norms: ``num_features`` is ``input.shape[1]``."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        # affine and track_running_stats off: the tensors they create would be replaced.
        super().__init__(0, eps, momentum, False, False, **factory_kwargs)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(**factory_kwargs)
            self.bias = UninitializedParameter(**factory_kwargs)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(**factory_kwargs)
            self.running_var = UninitializedBuffer(**factory_kwargs)
            self.num_batches_tracked = torsh.tensor(0, dtype=torsh.long, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm1d` whose ``num_features`` is inferred from ``input.size(1)``."""
    cls_to_become = BatchNorm1d
    _check_input_dim = BatchNorm1d._check_input_dim


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm2d` whose ``num_features`` is inferred from ``input.size(1)``."""
    cls_to_become = BatchNorm2d
    _check_input_dim = BatchNorm2d._check_input_dim


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm3d` whose ``num_features`` is inferred from ``input.size(1)``."""
    cls_to_become = BatchNorm3d
    _check_input_dim = BatchNorm3d._check_input_dim


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm1d` whose ``num_features`` is inferred from
    ``input.size(1)``."""
    cls_to_become = InstanceNorm1d
    _unbatched_dim = InstanceNorm1d._unbatched_dim


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm2d` whose ``num_features`` is inferred from
    ``input.size(1)``."""
    cls_to_become = InstanceNorm2d
    _unbatched_dim = InstanceNorm2d._unbatched_dim


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm3d` whose ``num_features`` is inferred from
    ``input.size(1)``."""
    cls_to_become = InstanceNorm3d
    _unbatched_dim = InstanceNorm3d._unbatched_dim
