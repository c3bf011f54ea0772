"""torch.nn.InstanceNorm1d/2d/3d."""
from torsh.nn import functional as F
from torsh.nn.modules.batchnorm import _NormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    r"""Normalises each (sample, channel) over its spatial dims. No affine parameters and no
    running stats by default; an unbatched input (``_unbatched_dim`` dims) gets a batch dim for
    the call."""

    _unbatched_dim = 0

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device=device,
                         dtype=dtype)

    def _check_input_dim(self, input):
        lo = self._unbatched_dim
        if input.dim() not in (lo, lo + 1):
            raise ValueError("expected {}D or {}D input (got {}D input)".format(
                lo, lo + 1, input.dim()))

    def _get_no_batch_dim(self):
        return self._unbatched_dim

    def _handle_no_batch_input(self, input):
        return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)

    def _apply_instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight,
                               self.bias, self.training or not self.track_running_stats,
                               self.momentum, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        # Checkpoints from before 0.4 carry running stats that a non-tracking module rejects.
        version = local_metadata.get("version", None)
        if version is None and not self.track_running_stats:
            found = [prefix + n for n in ("running_mean", "running_var")
                     if prefix + n in state_dict]
            if found:
                error_msgs.append(
                    "Unexpected running stats buffer(s) {names} for {klass} with "
                    "track_running_stats=False. If state_dict is a checkpoint saved before "
                    "0.4.0, this may be expected because {klass} does not track running stats "
                    "by default since 0.4.0. Please remove these keys from state_dict. If the "
                    "running stats are actually needed, instead set track_running_stats=True "
                    "in {klass} to enable them. See the documentation of {klass} for details."
                    .format(names=" and ".join('"{}"'.format(k) for k in found),
                            klass=self.__class__.__name__))
                for key in found:
                    state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        if input.dim() == self._get_no_batch_dim():
            return self._handle_no_batch_input(input)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    r"""Instance normalisation of an (N, C, L) or (C, L) input."""
    _unbatched_dim = 2


class InstanceNorm2d(_InstanceNorm):
    r"""Instance normalisation of an (N, C, H, W) or (C, H, W) input."""
    _unbatched_dim = 3


class InstanceNorm3d(_InstanceNorm):
    r"""Instance normalisation of an (N, C, D, H, W) or (C, D, H, W) input."""
    _unbatched_dim = 4
