"""MNIST and Fashion-MNIST from their idx files (torchvision's classes and attributes).

The files are looked up, raw or gzipped, first in torchvision's layout `root/<ClassName>/raw/`,
then directly in `root`; FashionMNIST's root defaults to the folder of Debian's
dataset-fashion-mnist package. Nothing is ever downloaded."""
import gzip
import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image

import torsh
from torsh.vision.datasets.vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "read_sn3_pascalvincent_tensor", "read_image_file",
           "read_label_file"]

# idx type byte -> big-endian numpy dtype of the payload
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise RuntimeError(f"cannot read idx file {path}: {e}") from e
    if not path.endswith(".gz"):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise RuntimeError(f"{path} is not a valid gzip file ({e})") from e


def _parse_idx(data, path):
    """The array held by an idx file's bytes, in native byte order; every inconsistency of the
    header with the payload is a RuntimeError naming `path`."""
    if len(data) < 4:
        raise RuntimeError(f"{path}: truncated idx file ({len(data)} bytes, no header)")
    zero, type_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or type_code not in _IDX_TYPES or not 1 <= ndim <= 3:
        raise RuntimeError(f"{path}: not an idx file (magic number 0x{data[:4].hex()}; "
                           "expected 0x0000 then a type byte in 08,09,0b-0e and 1 to 3 dims)")
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise RuntimeError(f"{path}: truncated idx header ({len(data)} of {header} bytes)")
    shape = struct.unpack(">" + "I" * ndim, data[4:header])
    dtype = np.dtype(_IDX_TYPES[type_code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    payload = len(data) - header
    if payload != expected:
        what = "truncated" if payload < expected else "has trailing bytes"
        raise RuntimeError(f"{path}: idx file {what}: header {tuple(shape)} of {dtype.name} "
                           f"needs {expected} bytes of data, found {payload}")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable, native-order copy


def read_sn3_pascalvincent_tensor(path, strict=True):
    """The tensor stored in an idx ("SN3 Pascal Vincent") file, raw or gzipped (`strict` is
    accepted for torchvision's signature; sizes are always checked)."""
    return torsh.from_numpy(_parse_idx(_read_bytes(path), path))


def _read_checked(path, ndim):
    array = _parse_idx(_read_bytes(path), path)
    if array.dtype != np.uint8:
        raise RuntimeError(f"{path}: expected uint8 idx data, found {array.dtype}")
    if array.ndim != ndim:
        raise RuntimeError(f"{path}: expected {ndim} dims, found shape {array.shape}")
    return array


def read_image_file(path):
    """An idx3 image file as a uint8 tensor [N, H, W]."""
    return torsh.from_numpy(_read_checked(path, 3))


def read_label_file(path):
    """An idx1 label file as an int64 tensor [N]."""
    return torsh.from_numpy(_read_checked(path, 1).astype(np.int64))


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 28x28 grayscale digits; items are
    (PIL image of mode 'L', int class) after the transforms.

    Args:
        root (str): folder holding ``<ClassName>/raw/train-images-idx3-ubyte`` etc. (as
            torchvision lays it out), or holding the idx files directly; each file may be
            gzipped (``.gz``). None uses the class's ``default_root`` when it has one.
        train (bool): the training split (``train-*``) or the test split (``t10k-*``).
        transform, target_transform (callable, optional): applied to the image / the target.
        download (bool): downloading is not possible here; True only raises a RuntimeError
            explaining where to put the files when they are missing.
    """

    default_root = None
    debian_package = None
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        self.train = train
        if root is None:
            root = self.default_root
        if root is None:
            names = " and ".join(n + "[.gz]" for n in self._file_names())
            raise RuntimeError(f"{type(self).__name__} has no default root: pass the folder "
                               f"that holds {names} (directly, or in torchvision's layout "
                               f"<root>/{type(self).__name__}/raw/)")
        super().__init__(root, transform=transform, target_transform=target_transform)
        found = self._find_files()
        if found is None:
            raise RuntimeError(self._not_found_message(download))
        self.image_file, self.label_file = found
        images = _read_checked(self.image_file, 3)
        labels = _read_checked(self.label_file, 1)
        if images.shape[0] != labels.shape[0]:
            raise RuntimeError(f"{self.image_file} holds {images.shape[0]} images but "
                               f"{self.label_file} holds {labels.shape[0]} labels")
        self.data = torsh.from_numpy(images)
        self.targets = torsh.from_numpy(labels.astype(np.int64))

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _file_names(self):
        split = "train" if self.train else "t10k"
        return [f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte"]

    def _search_folders(self):
        folders = [self.raw_folder, self.root]
        return [f for i, f in enumerate(folders) if f not in folders[:i]]

    def _find_files(self):
        """(image path, label path) from the first folder that has both, raw preferred over
        gzipped; None when no folder has them."""
        for folder in self._search_folders():
            paths = []
            for name in self._file_names():
                candidates = [os.path.join(folder, name), os.path.join(folder, name + ".gz")]
                hit = next((p for p in candidates if os.path.isfile(p)), None)
                if hit is None:
                    break
                paths.append(hit)
            else:
                return tuple(paths)
        return None

    def _how_to_get(self):
        names = " and ".join(n + "[.gz]" for n in self._file_names())
        text = f"copy {names} into {self.raw_folder} or directly into {self.root}"
        if self.debian_package:
            text += (f", or install the Debian package (apt-get install {self.debian_package}), "
                     f"which puts them in {self.default_root} (the default root)")
        return text

    def _not_found_message(self, download):
        looked = []
        for folder in self._search_folders():
            for name in self._file_names():
                looked.append(os.path.join(folder, name) + "[.gz]")
        head = ("Dataset not found and downloading is not possible in torsh.vision"
                if download else "Dataset not found")
        return f"{head}. Looked for: {', '.join(looked)}. To get it, {self._how_to_get()}."

    def __getitem__(self, index):
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        target = int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return "Split: " + ("Train" if self.train is True else "Test")

    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: 28x28 grayscale
    images of clothes in MNIST's file format (see :class:`MNIST`). The root defaults to
    ``/usr/share/datasets/fashion-mnist`` (Debian's dataset-fashion-mnist)."""

    default_root = "/usr/share/datasets/fashion-mnist"
    debian_package = "dataset-fashion-mnist"
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
