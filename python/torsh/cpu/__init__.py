"""torch.cpu: amp.autocast (CPU autocast, see torsh.amp)."""
from torsh.cpu import amp  # noqa: F401
