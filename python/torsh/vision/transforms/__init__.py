"""torsh.vision.transforms: torchvision's common transforms (classes here, functions in
`functional`)."""
from torsh.vision.transforms.transforms import *  # noqa: F401,F403
from torsh.vision.transforms.transforms import __all__  # noqa: F401
from torsh.vision.transforms import functional  # noqa: F401
