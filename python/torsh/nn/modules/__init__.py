"""torch.nn.modules: the layer classes."""
from torsh.nn.modules.module import Module
from torsh.nn.modules.linear import Identity, Linear
from torsh.nn.modules.activation import (Threshold, ReLU, Hardtanh, ReLU6, Sigmoid, Tanh,
                                         Softmax, Softmax2d, LogSoftmax, ELU, SELU, CELU, GELU,
                                         Hardshrink, LeakyReLU, LogSigmoid, Softplus,
                                         Softshrink, PReLU, Softsign, Softmin, Tanhshrink, GLU,
                                         Hardsigmoid, Hardswish, SiLU, Mish)
from torsh.nn.modules.loss import (L1Loss, NLLLoss, KLDivLoss, MSELoss, BCELoss,
                                   BCEWithLogitsLoss, SmoothL1Loss, HuberLoss, CrossEntropyLoss)
from torsh.nn.modules.container import (Container, Sequential, ModuleList, ModuleDict,
                                        ParameterList, ParameterDict)
from torsh.nn.modules.normalization import LayerNorm
from torsh.nn.modules.dropout import (Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout,
                                      FeatureAlphaDropout)
from torsh.nn.modules.sparse import Embedding
from torsh.nn.modules.flatten import Flatten, Unflatten

__all__ = [
    "Module", "Identity", "Linear", "Threshold", "ReLU", "Hardtanh", "ReLU6", "Sigmoid", "Tanh",
    "Softmax", "Softmax2d", "LogSoftmax", "ELU", "SELU", "CELU", "GLU", "GELU", "Hardshrink",
    "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "PReLU", "Softsign", "Softmin",
    "Tanhshrink", "L1Loss", "NLLLoss", "KLDivLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss",
    "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "Container", "Sequential", "ModuleList",
    "ModuleDict", "ParameterList", "ParameterDict", "LayerNorm", "Dropout", "Dropout1d",
    "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Embedding",
    "Flatten", "Unflatten", "Hardsigmoid", "Hardswish", "SiLU", "Mish",
]
