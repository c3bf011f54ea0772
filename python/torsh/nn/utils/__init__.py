"""torch.nn.utils: pruning, gradient clipping, parameter/vector conversion, rnn (sequence
packing), weight and spectral normalisation, parametrizations, and stateless.functional_call."""
from torsh.nn.utils.clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401
from torsh.nn.utils.convert_parameters import (parameters_to_vector,  # noqa: F401
                                               vector_to_parameters)
from torsh.nn.utils import rnn  # noqa: F401
from torsh.nn.utils.weight_norm import weight_norm, remove_weight_norm  # noqa: F401
from torsh.nn.utils.spectral_norm import spectral_norm, remove_spectral_norm  # noqa: F401
from torsh.nn.utils import parametrize  # noqa: F401
from torsh.nn.utils import parametrizations  # noqa: F401
from torsh.nn.utils import stateless  # noqa: F401
from torsh.nn.utils import prune  # noqa: F401
from torsh.nn.utils.fusion import fuse_conv_bn_eval, fuse_conv_bn_weights  # noqa: F401
from torsh.nn.utils import fusion  # noqa: F401
from torsh.nn.utils.memory_format import convert_conv2d_weight_memory_format  # noqa: F401
from torsh.nn.utils import memory_format  # noqa: F401
from torsh.nn.utils.fusion import skip_init  # noqa: F401
