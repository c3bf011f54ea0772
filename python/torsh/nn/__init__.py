"""torch.nn: modules, Parameter, init and functional, in pure Python over torsh's ops."""
from torsh.nn.parameter import Parameter  # noqa: F401
from torsh.nn.modules import *  # noqa: F401,F403
from torsh.nn import functional  # noqa: F401
from torsh.nn import init  # noqa: F401
from torsh.nn import utils  # noqa: F401
