"""torch.optim: optimizers and learning-rate schedulers (torch 1.13 semantics), in Python over
torsh's in-place tensor ops."""
from torsh.optim.optimizer import Optimizer  # noqa: F401
from torsh.optim.sgd import SGD  # noqa: F401
from torsh.optim.adam import Adam  # noqa: F401
from torsh.optim.adamw import AdamW  # noqa: F401
from torsh.optim.adagrad import Adagrad  # noqa: F401
from torsh.optim.rmsprop import RMSprop  # noqa: F401
from torsh.optim.adadelta import Adadelta  # noqa: F401
from torsh.optim.adamax import Adamax  # noqa: F401
from torsh.optim.nadam import NAdam  # noqa: F401
from torsh.optim.radam import RAdam  # noqa: F401
from torsh.optim.asgd import ASGD  # noqa: F401
from torsh.optim.rprop import Rprop  # noqa: F401
from torsh.optim.lbfgs import LBFGS  # noqa: F401
from torsh.optim.sparse_adam import SparseAdam  # noqa: F401
from torsh.optim import lr_scheduler  # noqa: F401
from torsh.optim import swa_utils  # noqa: F401
