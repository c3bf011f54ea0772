"""torch.version: the build's version facts (this build has no CUDA and no ROCm)."""
__version__ = "0.1.0"
debug = False
cuda = None
hip = None
git_version = "Unknown"
