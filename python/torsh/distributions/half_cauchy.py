"""torch.distributions.half_cauchy's home for HalfCauchy. The class itself is written next to
HalfNormal in half_normal.py (both are |X| of a centred symmetric law); this module gives it
torch's import path and module name."""
from torsh.distributions.half_normal import HalfCauchy

HalfCauchy.__module__ = __name__

__all__ = ["HalfCauchy"]
