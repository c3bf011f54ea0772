"""The base class of the torsh.vision datasets (torchvision's VisionDataset): root, the
transform pair and the printed summary."""
import os

from torsh.utils.data import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


class StandardTransform:
    """Applies `transform` to the sample and `target_transform` to the target (either may be
    None)."""

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, sample, target):
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __repr__(self):
        lines = [type(self).__name__]
        if self.transform is not None:
            lines += _indent_under(self.transform, "Transform: ")
        if self.target_transform is not None:
            lines += _indent_under(self.target_transform, "Target transform: ")
        return "\n".join(lines)


def _indent_under(obj, head):
    first, *rest = repr(obj).splitlines()
    return [head + first] + [" " * len(head) + line for line in rest]


class VisionDataset(Dataset):
    """Base class for the datasets: stores `root` (with ~ expanded), `transform`,
    `target_transform`, and `transforms` (a callable on (sample, target); exclusive with the
    other two)."""

    _repr_indent = 4

    def __init__(self, root, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        separate = transform is not None or target_transform is not None
        if transforms is not None and separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as "
                             "argument")
        self.transform = transform
        self.target_transform = target_transform
        if separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body.append(repr(self.transforms))  # one entry: only its first line is indented
        pad = " " * self._repr_indent
        return "\n".join(["Dataset " + type(self).__name__] + [pad + line for line in body])
