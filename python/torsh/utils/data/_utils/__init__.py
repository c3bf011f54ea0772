"""Helpers of torsh.utils.data's DataLoader: collation, fetchers, the worker loop."""
from torsh.utils.data._utils import collate, fetch, worker  # noqa: F401

MP_STATUS_CHECK_INTERVAL = 5.0
"""Seconds between checks of the workers' status while waiting for data."""
