"""torch.nn.utils: gradient clipping, parameter/vector conversion and rnn (sequence packing)."""
from torsh.nn.utils.clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_  # noqa: F401
from torsh.nn.utils.convert_parameters import (parameters_to_vector,  # noqa: F401
                                               vector_to_parameters)
from torsh.nn.utils import rnn  # noqa: F401
