"""Shared by the nn tests: the same module built in torch and in torsh from the same seed."""
import torch

import torsh


def build_pair(builder, seed=0):
    """builder(lib, lib.nn) in torch, then in torsh, each after manual_seed(seed)."""
    torch.manual_seed(seed)
    a = builder(torch, torch.nn)
    torsh.manual_seed(seed)
    b = builder(torsh, torsh.nn)
    return a, b
