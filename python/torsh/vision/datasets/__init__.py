"""torsh.vision.datasets: MNIST, FashionMNIST, ImageFolder and DatasetFolder with torchvision's
interfaces."""
from torsh.vision.datasets.vision import StandardTransform, VisionDataset  # noqa: F401
from torsh.vision.datasets.mnist import MNIST, FashionMNIST  # noqa: F401
from torsh.vision.datasets.folder import (IMG_EXTENSIONS, DatasetFolder,  # noqa: F401
                                          ImageFolder, default_loader, has_file_allowed_extension,
                                          is_image_file, pil_loader)

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "DatasetFolder", "ImageFolder"]
