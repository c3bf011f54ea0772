"""Runs a compat program under real PyTorch with every parameter handed to an optimizer nudged
by a few float32 ulps (relative 5e-7, fixed seed, outside torch's random streams).

Used by test_compat_programs.py to show that a program's printed numbers are stable under
rounding-sized changes: if torch against perturbed torch stays within the comparison
tolerance, a torsh run that differs only in float rounding has to stay within it too, and a
difference beyond it means something else. Usage: python3 _perturbed.py program.py [args...]"""
import os
import runpy
import sys

import numpy as np
import torch

RELATIVE = 5e-7
_rng = np.random.default_rng(int(os.environ.get("COMPAT_PERTURB_SEED", "12345")))
_original_init = torch.optim.Optimizer.__init__


def _perturbing_init(self, params, defaults):
    _original_init(self, params, defaults)
    with torch.no_grad():
        for group in self.param_groups:
            for p in group["params"]:
                noise = torch.from_numpy(_rng.standard_normal(tuple(p.shape))).to(p.dtype)
                p.add_(noise * RELATIVE * p.abs())


torch.optim.Optimizer.__init__ = _perturbing_init

if __name__ == "__main__":
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
