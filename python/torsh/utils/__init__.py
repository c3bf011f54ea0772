"""torsh.utils."""
