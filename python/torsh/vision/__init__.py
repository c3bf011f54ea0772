"""torsh.vision: the part of torchvision (0.14) that image pipelines use most: the MNIST-family
and folder datasets, and the common transforms, over torsh tensors and PIL images.

`import torsh.vision as torchvision` gives `datasets`, `transforms` and `utils` (make_grid,
save_image) under torchvision's names."""
from torsh.vision import datasets, transforms, utils  # noqa: F401

__all__ = ["datasets", "transforms", "utils", "get_image_backend", "set_image_backend"]

_image_backend = "PIL"


def set_image_backend(backend):
    """Selects the package that loads images; only 'PIL' exists here."""
    global _image_backend
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' (accimage is not "
                         "available in torsh.vision)")
    _image_backend = backend


def get_image_backend():
    """The name of the package that loads images ('PIL')."""
    return _image_backend
