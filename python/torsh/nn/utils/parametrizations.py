"""torch.nn.utils.parametrizations: orthogonal (_orthogonal.py), spectral_norm (torch 1.13) and
weight_norm (torch 2.x) as parametrizations (see parametrize.py)."""
import torsh
from torsh import Tensor
from torsh._grad_mode import no_grad
from torsh.nn import functional as F
from torsh.nn.modules.module import Module
from torsh.nn.utils import parametrize
from torsh.nn.utils._orthogonal import orthogonal  # noqa: F401
from torsh.nn.utils.weight_norm import _norm_except_dim, _weight_norm

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _SpectralNorm(Module):
    """``weight / sigma``, sigma the power-iteration estimate of the largest singular value of
    the weight viewed as a matrix with ``dim`` first; a 1-D weight is just normalised. The
    vectors are the buffers ``_u`` and ``_v``, refined by ``n_power_iterations`` steps per
    training forward (15 at construction)."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             "n_power_iterations={}".format(n_power_iterations))
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u then v, in place in the buffers (the hook-based spectral_norm goes v then u).
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(torsh.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(torsh.mv(weight_mat.t(), self._u), dim=0,
                                          eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # Copies, so that sigma's backward does not see the next in-place update.
        u = self._u.clone(memory_format=torsh.contiguous_format)
        v = self._v.clone(memory_format=torsh.contiguous_format)
        sigma = torsh.dot(u, torsh.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        # Any tensor is a valid original: assigning a weight stores it as it is.
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    r"""Registers the spectral normalisation of ``module.<name>`` as a parametrization
    (``module.parametrizations.<name>.original`` and the buffers ``_u``, ``_v``). ``dim``
    defaults to 0 (1 for the transposed convolutions). Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError("Module '{}' has no parameter or buffer with name '{}'".format(
            module, name))
    if dim is None:
        from torsh.nn.modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _WeightNorm(Module):
    """``g * v / ||v||`` from the originals (g, v); its right inverse splits a weight into
    its norm over every dim but ``dim`` and itself."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    r"""torch 2.x's weight normalisation as a parametrization: ``original0`` is g and
    ``original1`` is v. A state_dict of the hook-based weight_norm (``<name>_g``,
    ``<name>_v``) loads into it. Returns the module."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                                 unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module
