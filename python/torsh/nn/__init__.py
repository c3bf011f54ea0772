"""torch.nn: modules, Parameter, init and functional, in pure Python over torsh's ops."""
from torsh.nn.parameter import Parameter, UninitializedParameter, UninitializedBuffer  # noqa: F401
from torsh.nn.modules import *  # noqa: F401,F403
from torsh.nn import functional  # noqa: F401
from torsh.nn import init  # noqa: F401
from torsh.nn import utils  # noqa: F401
from torsh.nn import parallel  # noqa: F401
from torsh.nn.parallel import DataParallel  # noqa: F401,E402

# F.rms_norm lives with RMSNorm; functional.py does not import the modules.
from torsh.nn.modules.normalization_rms import rms_norm as _rms_norm  # noqa: E402
functional.rms_norm = _rms_norm
