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
from torsh.nn.modules.normalization import LayerNorm, GroupNorm
from torsh.nn.modules.conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,
                                   ConvTranspose3d)
from torsh.nn.modules.pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d,
                                      AvgPool3d, LPPool1d, LPPool2d, AdaptiveMaxPool1d,
                                      AdaptiveMaxPool2d, AdaptiveMaxPool3d, AdaptiveAvgPool1d,
                                      AdaptiveAvgPool2d, AdaptiveAvgPool3d)
from torsh.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from torsh.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from torsh.nn.modules.padding import (ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d,
                                      ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
                                      ReplicationPad1d, ReplicationPad2d, ReplicationPad3d)
from torsh.nn.modules.dropout import (Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout,
                                      FeatureAlphaDropout)
from torsh.nn.modules.sparse import Embedding
from torsh.nn.modules.flatten import Flatten, Unflatten
from torsh.nn.modules.rnn import (RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell,
                                  GRUCell)
from torsh.nn.modules.multihead_attention import MultiheadAttention
from torsh.nn.modules.transformer import (Transformer, TransformerEncoder, TransformerDecoder,
                                          TransformerEncoderLayer, TransformerDecoderLayer)

__all__ = [
    "Module", "Identity", "Linear", "Threshold", "ReLU", "Hardtanh", "ReLU6", "Sigmoid", "Tanh",
    "Softmax", "Softmax2d", "LogSoftmax", "ELU", "SELU", "CELU", "GLU", "GELU", "Hardshrink",
    "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "PReLU", "Softsign", "Softmin",
    "Tanhshrink", "L1Loss", "NLLLoss", "KLDivLoss", "MSELoss", "BCELoss", "BCEWithLogitsLoss",
    "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "Container", "Sequential", "ModuleList",
    "ModuleDict", "ParameterList", "ParameterDict", "LayerNorm", "Dropout", "Dropout1d",
    "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Embedding",
    "Flatten", "Unflatten", "Hardsigmoid", "Hardswish", "SiLU", "Mish", "GroupNorm",
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "LPPool1d",
    "LPPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "BatchNorm1d",
    "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad2d", "ReflectionPad1d",
    "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell",
    "GRUCell", "MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
    "TransformerEncoderLayer", "TransformerDecoderLayer",
]

from torsh.nn.modules.activation_extra import RReLU  # noqa: E402
from torsh.nn.modules.linear import Bilinear  # noqa: E402
from torsh.nn.modules.loss import (  # noqa: E402
    PoissonNLLLoss, GaussianNLLLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, MarginRankingLoss,
    MultiLabelMarginLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss,
    TripletMarginLoss, TripletMarginWithDistanceLoss)
from torsh.nn.modules.normalization import LocalResponseNorm  # noqa: E402
from torsh.nn.modules.sparse import EmbeddingBag  # noqa: E402
from torsh.nn.modules.pixelshuffle import PixelShuffle, PixelUnshuffle  # noqa: E402
from torsh.nn.modules.upsampling import (Upsample, UpsamplingNearest2d,  # noqa: E402
                                         UpsamplingBilinear2d)
from torsh.nn.modules.fold import Fold, Unfold  # noqa: E402
from torsh.nn.modules.distance import PairwiseDistance, CosineSimilarity  # noqa: E402

__all__ += [
    "RReLU", "Bilinear", "PoissonNLLLoss", "GaussianNLLLoss", "HingeEmbeddingLoss",
    "CosineEmbeddingLoss", "MarginRankingLoss", "MultiLabelMarginLoss", "SoftMarginLoss",
    "MultiLabelSoftMarginLoss", "MultiMarginLoss", "TripletMarginLoss",
    "TripletMarginWithDistanceLoss", "LocalResponseNorm", "EmbeddingBag", "PixelShuffle",
    "PixelUnshuffle", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "Fold",
    "Unfold", "PairwiseDistance", "CosineSimilarity",
]

from torsh.nn.modules.lazy import (  # noqa: E402
    LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,
    LazyConvTranspose2d, LazyConvTranspose3d, LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d,
    LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d)

__all__ += [
    "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
    "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
]

from torsh.nn.modules.normalization_rms import RMSNorm  # noqa: E402

__all__ += ["RMSNorm"]

from torsh.nn.modules.pooling_fractional import (  # noqa: E402
    FractionalMaxPool2d, FractionalMaxPool3d)
from torsh.nn.modules.loss_ctc import CTCLoss  # noqa: E402

__all__ += ["FractionalMaxPool2d", "FractionalMaxPool3d", "CTCLoss"]

from torsh.nn.modules.pooling import MaxUnpool1d, MaxUnpool2d, MaxUnpool3d  # noqa: E402
from torsh.nn.modules.pixelshuffle import ChannelShuffle  # noqa: E402
from torsh.nn.modules.normalization import CrossMapLRN2d  # noqa: E402
from torsh.nn.modules.loss import NLLLoss2d  # noqa: E402

__all__ += ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "ChannelShuffle", "CrossMapLRN2d",
            "NLLLoss2d"]

from torsh.nn.modules.batchnorm import SyncBatchNorm  # noqa: E402
from torsh.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402

__all__ += ["SyncBatchNorm", "AdaptiveLogSoftmaxWithLoss"]
