"""torch.version: the build's version facts (this build has no CUDA and no ROCm).

__version__ is the version of the torch API torsh implements (Debian's torch, 1.13.0a0), so a
script's `torch.__version__ >= "1.10"` checks take the paths they take under that torch;
`torsh.version.torsh` is torsh's own version."""
torsh = "0.1.0"
__version__ = "1.13.0a0"
debug = False
cuda = None
hip = None
git_version = "Unknown"
