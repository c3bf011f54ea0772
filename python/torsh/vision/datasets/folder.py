"""DatasetFolder and ImageFolder: samples laid out as root/<class>/<...>/<file>, classes in
sorted folder order (torchvision's classes, with the same discovery rules and errors)."""
import os

from PIL import Image

from torsh.vision.datasets.vision import VisionDataset

__all__ = ["DatasetFolder", "ImageFolder", "IMG_EXTENSIONS", "default_loader", "pil_loader",
           "find_classes", "make_dataset", "has_file_allowed_extension", "is_image_file"]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    """Whether `filename` ends (case-insensitively) with one of `extensions` (lowercase)."""
    if not isinstance(extensions, str):
        extensions = tuple(extensions)
    return filename.lower().endswith(extensions)


def is_image_file(filename):
    """Whether `filename` has one of IMG_EXTENSIONS."""
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """(sorted class folder names, {name: index}); FileNotFoundError when there is none."""
    with os.scandir(directory) as entries:
        classes = sorted(e.name for e in entries if e.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None):
    """[(path, class index)] for every accepted file under each class folder (walked in sorted
    order, following links). Exactly one of `extensions` and `is_valid_file` is given; a class
    without any accepted file is a FileNotFoundError."""
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the "
                         "same time")
    accept = is_valid_file
    if extensions is not None:
        def accept(path):
            return has_file_allowed_extension(path, extensions)

    samples = []
    seen = set()
    for name in sorted(class_to_idx):
        folder = os.path.join(directory, name)
        if not os.path.isdir(folder):
            continue
        for dirpath, _, filenames in sorted(os.walk(folder, followlinks=True)):
            for filename in sorted(filenames):
                path = os.path.join(dirpath, filename)
                if accept(path):
                    samples.append((path, class_to_idx[name]))
                    seen.add(name)
    missing = set(class_to_idx) - seen
    if missing:
        msg = f"Found no valid file for the classes {', '.join(sorted(missing))}. "
        if extensions is not None:
            listed = extensions if isinstance(extensions, str) else ", ".join(extensions)
            msg += f"Supported extensions are: {listed}"
        raise FileNotFoundError(msg)
    return samples


def pil_loader(path):
    """The image at `path` through PIL, converted to RGB."""
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


def default_loader(path):
    """The loader ImageFolder uses by default (PIL, RGB)."""
    return pil_loader(path)


class DatasetFolder(VisionDataset):
    """A dataset of files sorted into one folder per class.

    Args:
        root (str): the folder holding one subfolder per class.
        loader (callable): reads one sample from its path.
        extensions (tuple of str, optional): accepted file endings (exclusive with
            `is_valid_file`).
        transform, target_transform (callable, optional): applied to the sample / the target.
        is_valid_file (callable, optional): path -> whether to keep the file.

    Attributes: classes, class_to_idx, samples (list of (path, class index)), targets.
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        self.samples = self.make_dataset(self.root, class_to_idx, extensions, is_valid_file)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.targets = [target for _, target in self.samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None):
        """The (path, class index) list; override to read samples from elsewhere."""
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(directory, class_to_idx, extensions=extensions,
                            is_valid_file=is_valid_file)

    def find_classes(self, directory):
        """(classes, class_to_idx) of `directory`; override for another layout."""
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


class ImageFolder(DatasetFolder):
    """A DatasetFolder of images (IMG_EXTENSIONS unless `is_valid_file` is given), loaded as RGB
    PIL images; `imgs` is another name for `samples`."""

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file)
        self.imgs = self.samples
