"""torch.cpu.amp.autocast: torch.autocast("cpu", ...) with torch 1.13's argument order."""
import torsh
from torsh import amp as _amp

__all__ = ["autocast"]


class autocast(_amp.autocast):
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        super().__init__("cpu", dtype=dtype if dtype is not None else torsh.bfloat16,
                         enabled=enabled, cache_enabled=cache_enabled)
