"""torch.cpu: amp.autocast (see torsh.amp: CPU autocast is not implemented yet)."""
from torsh.cpu import amp  # noqa: F401
