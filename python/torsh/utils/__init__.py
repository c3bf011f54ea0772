"""torsh.utils."""
from torsh.utils import data  # noqa: F401
