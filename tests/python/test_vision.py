"""torsh.vision against torchvision 0.14 on the same inputs: Fashion-MNIST (Debian's files),
ImageFolder over a tree of PNG/JPEG files written here, and every transform on PIL images and
tensors. Random transforms are seeded identically in both libraries (torch.manual_seed /
torsh.manual_seed) and must make the same choices.

Tensor Resize goes through each library's interpolate: float results agree to float rounding,
integer results (rounded back from float32) may differ by one step where the float value lies
on a .5 boundary; everything else is compared exactly."""
import gzip
import os
import shutil

import numpy as np
import pytest
from PIL import Image

import torch
import torchvision
import torchvision.transforms as TV
import torchvision.transforms.functional as TVF

import torsh
import torsh.vision
from torsh.utils.data import DataLoader
from torsh.vision import datasets
from torsh.vision import transforms as T
from torsh.vision.transforms import functional as TF

DEBIAN_FMNIST = "/usr/share/datasets/fashion-mnist"
FMNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

needs_fmnist = pytest.mark.skipif(
    not all(os.path.exists(os.path.join(DEBIAN_FMNIST, f + ".gz")) for f in FMNIST_FILES),
    reason="Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")


def to_np(x):
    """A torch or torsh tensor, PIL image or array as a numpy array."""
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        return x.detach().numpy()
    return np.asarray(x)


def assert_same_tensor(ours, ref, atol=0.0):
    assert isinstance(ours, torsh.Tensor), type(ours)
    assert isinstance(ref, torch.Tensor), type(ref)
    assert str(ours.dtype) == str(ref.dtype)
    assert tuple(ours.shape) == tuple(ref.shape)
    if atol == 0.0:
        np.testing.assert_array_equal(to_np(ours), to_np(ref))
    else:
        np.testing.assert_allclose(to_np(ours), to_np(ref), rtol=0, atol=atol)


def assert_same_image(ours, ref):
    assert isinstance(ours, Image.Image) and isinstance(ref, Image.Image)
    assert ours.mode == ref.mode and ours.size == ref.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def assert_same_output(ours, ref, atol=0.0):
    if isinstance(ref, torch.Tensor):
        assert_same_tensor(ours, ref, atol)
    else:
        assert_same_image(ours, ref)


def both(array):
    """The same numpy data as a (torsh, torch) tensor pair."""
    return torsh.from_numpy(array.copy()), torch.from_numpy(array.copy())


# ---------------------------------------------------------------------------------------------
# Fashion-MNIST / MNIST


@pytest.fixture(scope="module")
def tv_root(tmp_path_factory):
    """A root in torchvision's layout: <root>/FashionMNIST/raw/ with the decompressed files, and
    <root>/MNIST/raw/ linking to them (torchvision reads only decompressed files)."""
    root = tmp_path_factory.mktemp("tvdata")
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    mnist_raw = root / "MNIST" / "raw"
    mnist_raw.mkdir(parents=True)
    for name in FMNIST_FILES:
        with gzip.open(os.path.join(DEBIAN_FMNIST, name + ".gz"), "rb") as src, \
                open(raw / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.symlink(raw / name, mnist_raw / name)
    yield str(root)
    shutil.rmtree(root, ignore_errors=True)  # 55 MB: not left behind in pytest's temp dirs


@needs_fmnist
@pytest.mark.parametrize("train", [True, False])
def test_fashion_mnist_default_root_matches_torchvision(tv_root, train):
    ref = torchvision.datasets.FashionMNIST(tv_root, train=train)
    ours = datasets.FashionMNIST(train=train)
    assert ours.root == DEBIAN_FMNIST
    assert len(ours) == len(ref)
    assert str(ours.data.dtype) == str(ref.data.dtype)
    assert str(ours.targets.dtype) == str(ref.targets.dtype)
    assert tuple(ours.data.shape) == tuple(ref.data.shape)
    np.testing.assert_array_equal(to_np(ours.data), to_np(ref.data))
    np.testing.assert_array_equal(to_np(ours.targets), to_np(ref.targets))
    assert ours.classes == ref.classes
    assert ours.class_to_idx == ref.class_to_idx
    for i in [0, 1, 777, len(ref) - 1, -1]:
        (img, target), (ref_img, ref_target) = ours[i], ref[i]
        assert_same_image(img, ref_img)
        assert img.mode == "L"
        assert type(target) is type(ref_target) and target == ref_target


class AddHundred:
    def __call__(self, y):
        return y + 100

    def __repr__(self):
        return "AddHundred()"


@needs_fmnist
def test_fashion_mnist_torchvision_layout_and_repr(tv_root):
    tf = T.Compose([T.ToTensor(), T.Normalize((0.2860,), (0.3530,))])
    ref_tf = TV.Compose([TV.ToTensor(), TV.Normalize((0.2860,), (0.3530,))])
    ours = datasets.FashionMNIST(tv_root, train=False, transform=tf,
                                 target_transform=AddHundred())
    ref = torchvision.datasets.FashionMNIST(tv_root, train=False, transform=ref_tf,
                                            target_transform=AddHundred())
    assert ours.raw_folder == ref.raw_folder
    assert ours.image_file == os.path.join(ref.raw_folder, "t10k-images-idx3-ubyte")
    assert len(ours) == len(ref)
    for i in [0, 5, 9999]:
        (x, y), (rx, ry) = ours[i], ref[i]
        assert_same_tensor(x, rx, atol=1e-6)
        assert y == ry
    assert repr(ours) == repr(ref)


@needs_fmnist
def test_mnist_class_reads_gzip_files_in_raw_folder(tv_root, tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FMNIST_FILES:
        os.symlink(os.path.join(DEBIAN_FMNIST, name + ".gz"), raw / (name + ".gz"))
    ours = datasets.MNIST(str(tmp_path), train=False)
    ref = torchvision.datasets.MNIST(tv_root, train=False)
    assert ours.classes == ref.classes and ours.class_to_idx == ref.class_to_idx
    np.testing.assert_array_equal(to_np(ours.data), to_np(ref.data))
    np.testing.assert_array_equal(to_np(ours.targets), to_np(ref.targets))
    assert_same_image(ours[3][0], ref[3][0])
    assert ours.extra_repr() == ref.extra_repr()


@needs_fmnist
def test_mnist_root_holding_files_directly(tmp_path):
    for name in FMNIST_FILES[2:]:
        os.symlink(os.path.join(DEBIAN_FMNIST, name + ".gz"), tmp_path / (name + ".gz"))
    ours = datasets.FashionMNIST(str(tmp_path), train=False)
    default = datasets.FashionMNIST(train=False)
    np.testing.assert_array_equal(to_np(ours.data), to_np(default.data))
    # the training files are not there
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte"):
        datasets.FashionMNIST(str(tmp_path), train=True)


@needs_fmnist
def test_fashion_mnist_download_flag_with_files_present():
    ours = datasets.FashionMNIST(train=False, download=True)
    assert len(ours) == len(datasets.FashionMNIST(train=False))


@needs_fmnist
def test_fashion_mnist_dataloader(tv_root):
    ours = datasets.FashionMNIST(train=False, transform=T.ToTensor())
    ref = torchvision.datasets.FashionMNIST(tv_root, train=False, transform=TV.ToTensor())
    loader = DataLoader(ours, batch_size=64, shuffle=False)
    ref_loader = torch.utils.data.DataLoader(ref, batch_size=64, shuffle=False)
    assert len(loader) == len(ref_loader)
    for step, ((x, y), (rx, ry)) in enumerate(zip(loader, ref_loader)):
        assert_same_tensor(x, rx)
        assert_same_tensor(y, ry)
        if step == 3:
            break
    # shuffled loaders draw their permutation from each library's global generator
    torsh.manual_seed(7)
    torch.manual_seed(7)
    x, y = next(iter(DataLoader(ours, batch_size=32, shuffle=True)))
    rx, ry = next(iter(torch.utils.data.DataLoader(ref, batch_size=32, shuffle=True)))
    assert_same_tensor(x, rx)
    assert_same_tensor(y, ry)


def test_mnist_missing_files_message(tmp_path):
    with pytest.raises(RuntimeError) as info:
        datasets.FashionMNIST(str(tmp_path))
    msg = str(info.value)
    assert os.path.join(str(tmp_path), "FashionMNIST", "raw", "train-images-idx3-ubyte") in msg
    assert os.path.join(str(tmp_path), "train-labels-idx1-ubyte") in msg
    assert "apt-get install dataset-fashion-mnist" in msg
    with pytest.raises(RuntimeError, match="download"):
        datasets.FashionMNIST(str(tmp_path), download=True)
    with pytest.raises(RuntimeError, match="MNIST/raw"):
        datasets.MNIST(str(tmp_path), train=False, download=True)
    with pytest.raises(RuntimeError, match="root"):
        datasets.MNIST()


def _idx_bytes(array, type_code):
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


def _write(path, data, gz=False):
    if gz:
        data = gzip.compress(data)
        path = str(path) + ".gz"
    with open(path, "wb") as f:
        f.write(data)


def _write_split(folder, images, labels, gz=False, split="t10k"):
    _write(os.path.join(folder, f"{split}-images-idx3-ubyte"), images, gz)
    _write(os.path.join(folder, f"{split}-labels-idx1-ubyte"), labels, gz)


SMALL_IMAGES = np.random.RandomState(0).randint(0, 256, size=(5, 28, 28)).astype(np.uint8)
SMALL_LABELS = np.arange(5, dtype=np.uint8)
GOOD_IMAGES = _idx_bytes(SMALL_IMAGES, 0x08)
GOOD_LABELS = _idx_bytes(SMALL_LABELS, 0x08)


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_small_files_match_torchvision(tmp_path, gz):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    _write_split(raw, GOOD_IMAGES, GOOD_LABELS, gz=gz)
    # torchvision wants the training files present even to read the test split
    _write_split(raw, _idx_bytes(SMALL_IMAGES[:3], 0x08), _idx_bytes(SMALL_LABELS[:3], 0x08),
                 gz=gz, split="train")
    for train, n in [(False, 5), (True, 3)]:
        ours = datasets.MNIST(str(tmp_path), train=train)
        assert len(ours) == n
        np.testing.assert_array_equal(to_np(ours.data), SMALL_IMAGES[:n])
        if not gz:
            ref = torchvision.datasets.MNIST(str(tmp_path), train=train)
            np.testing.assert_array_equal(to_np(ours.data), to_np(ref.data))
            np.testing.assert_array_equal(to_np(ours.targets), to_np(ref.targets))
            assert_same_image(ours[n - 1][0], ref[n - 1][0])


CORRUPT = {
    "wrong magic": (b"\x08\x03" + GOOD_IMAGES[2:], GOOD_LABELS),
    "unknown type byte": (b"\x00\x00\x07\x03" + GOOD_IMAGES[4:], GOOD_LABELS),
    "zero dims": (b"\x00\x00\x08\x00", GOOD_LABELS),
    "empty file": (b"", GOOD_LABELS),
    "truncated header": (GOOD_IMAGES[:10], GOOD_LABELS),
    "truncated payload": (GOOD_IMAGES[:-7], GOOD_LABELS),
    "trailing bytes": (GOOD_IMAGES + b"\x00", GOOD_LABELS),
    "label count": (GOOD_IMAGES, _idx_bytes(SMALL_LABELS[:4], 0x08)),
    "images as labels": (GOOD_LABELS, GOOD_LABELS),
    "labels as images": (GOOD_IMAGES, GOOD_IMAGES),
    "int32 images": (_idx_bytes(SMALL_IMAGES.astype(">i4"), 0x0C), GOOD_LABELS),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_mnist_corrupt_idx_raises(tmp_path, case):
    images, labels = CORRUPT[case]
    _write_split(tmp_path, images, labels)
    with pytest.raises(RuntimeError):
        datasets.MNIST(str(tmp_path), train=False)


def test_mnist_corrupt_gzip_raises(tmp_path):
    _write(tmp_path / "t10k-images-idx3-ubyte.gz", gzip.compress(GOOD_IMAGES)[:-12])
    _write(tmp_path / "t10k-labels-idx1-ubyte", GOOD_LABELS)
    with pytest.raises(RuntimeError, match="gzip"):
        datasets.MNIST(str(tmp_path), train=False)
    _write(tmp_path / "t10k-images-idx3-ubyte.gz", b"not gzip at all")
    with pytest.raises(RuntimeError):
        datasets.MNIST(str(tmp_path), train=False)


@pytest.mark.parametrize("np_type,code", [(">i1", 0x09), (">i2", 0x0B), (">i4", 0x0C),
                                          (">f4", 0x0D), (">f8", 0x0E), (">u1", 0x08)])
def test_read_idx_tensor_types(tmp_path, np_type, code):
    from torsh.vision.datasets.mnist import read_sn3_pascalvincent_tensor
    values = (np.random.RandomState(1).randn(3, 4, 5) * 100).astype(np_type)
    path = str(tmp_path / "x.idx")
    _write(path, _idx_bytes(values, code))
    got = read_sn3_pascalvincent_tensor(path)
    ref_dtype = torch.from_numpy(values.astype(values.dtype.newbyteorder("="))).dtype
    assert str(got.dtype) == str(ref_dtype)
    np.testing.assert_array_equal(to_np(got), values)


# ---------------------------------------------------------------------------------------------
# ImageFolder / DatasetFolder


def _rand_image(rng, mode, size):
    w, h = size
    if mode in ("L", "P"):
        img = Image.fromarray(rng.randint(0, 256, size=(h, w)).astype(np.uint8), "L")
        return img.convert("P") if mode == "P" else img
    bands = len(mode)
    return Image.fromarray(rng.randint(0, 256, size=(h, w, bands)).astype(np.uint8), mode)


@pytest.fixture
def image_tree(tmp_path):
    rng = np.random.RandomState(3)
    layout = {
        "cat": [("a.png", "RGB", (12, 9)), ("b.jpg", "RGB", (20, 14)), ("c.PNG", "L", (9, 9))],
        "dog": [("z.jpeg", "RGB", (16, 16)), ("sub/deep.png", "RGBA", (10, 13)),
                ("p.png", "P", (11, 7))],
        "bird": [("only.bmp", "RGB", (8, 6))],
    }
    for cls, files in layout.items():
        for name, mode, size in files:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            _rand_image(rng, mode, size).save(path)
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    (tmp_path / "README").write_text("a file next to the class folders")
    return str(tmp_path)


def test_image_folder_matches_torchvision(image_tree):
    ours = datasets.ImageFolder(image_tree)
    ref = torchvision.datasets.ImageFolder(image_tree)
    assert ours.classes == ref.classes
    assert ours.class_to_idx == ref.class_to_idx
    assert ours.samples == ref.samples
    assert ours.imgs == ref.imgs
    assert ours.targets == ref.targets
    assert len(ours) == len(ref)
    for i in range(len(ref)):
        (img, target), (ref_img, ref_target) = ours[i], ref[i]
        assert img.mode == "RGB"
        assert_same_image(img, ref_img)
        assert target == ref_target
    assert repr(ours) == repr(ref)


def test_image_folder_transforms_and_loader(image_tree):
    tf = T.Compose([T.Resize(12), T.CenterCrop(10), T.ToTensor(),
                    T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    ref_tf = TV.Compose([TV.Resize(12), TV.CenterCrop(10), TV.ToTensor(),
                         TV.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    ours = datasets.ImageFolder(image_tree, transform=tf)
    ref = torchvision.datasets.ImageFolder(image_tree, transform=ref_tf)
    for i in range(len(ref)):
        assert_same_tensor(ours[i][0], ref[i][0], atol=1e-6)
    x, y = next(iter(DataLoader(ours, batch_size=4)))
    rx, ry = next(iter(torch.utils.data.DataLoader(ref, batch_size=4)))
    assert_same_tensor(x, rx, atol=1e-6)
    assert_same_tensor(y, ry)


def test_image_folder_is_valid_file_and_loader(image_tree):
    def only_png(path):
        return path.endswith(".png")

    def size_loader(path):
        with Image.open(path) as img:
            return img.size

    ours = datasets.ImageFolder(image_tree, is_valid_file=lambda p: "a" in os.path.basename(p)
                                or "z" in os.path.basename(p) or "only" in p)
    ref = torchvision.datasets.ImageFolder(image_tree, is_valid_file=lambda p: "a" in
                                           os.path.basename(p) or "z" in os.path.basename(p)
                                           or "only" in p)
    assert ours.samples == ref.samples
    # a class left without any file is an error, in both
    with pytest.raises(FileNotFoundError):
        torchvision.datasets.ImageFolder(image_tree, is_valid_file=only_png)
    with pytest.raises(FileNotFoundError):
        datasets.ImageFolder(image_tree, is_valid_file=only_png)
    ours = datasets.DatasetFolder(image_tree, size_loader, extensions=(".png", ".bmp"))
    ref = torchvision.datasets.DatasetFolder(image_tree, size_loader, extensions=(".png", ".bmp"))
    assert ours.samples == ref.samples
    assert [ours[i] for i in range(len(ours))] == [ref[i] for i in range(len(ref))]
    with pytest.raises(ValueError):
        datasets.DatasetFolder(image_tree, size_loader, extensions=(".png",),
                               is_valid_file=only_png)
    with pytest.raises(ValueError):
        datasets.DatasetFolder(image_tree, size_loader)


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        torchvision.datasets.ImageFolder(str(tmp_path))
    with pytest.raises(FileNotFoundError):
        datasets.ImageFolder(str(tmp_path))
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(FileNotFoundError, match="empty_class"):
        datasets.ImageFolder(str(tmp_path))
    assert datasets.IMG_EXTENSIONS == torchvision.datasets.folder.IMG_EXTENSIONS


# ---------------------------------------------------------------------------------------------
# transforms


RNG = np.random.RandomState(11)


@pytest.fixture(autouse=True)
def _reseed_rng():
    """Each test draws the same data whatever the selection or order of tests."""
    RNG.seed(11)


def pil_image(mode="RGB", size=(17, 13)):
    return _rand_image(RNG, mode, size)


PIL_MODES = ["RGB", "L", "RGBA", "P", "1", "I", "F", "I;16", "LA"]


def _pil_of_mode(mode):
    if mode == "1":
        return pil_image("L").point(lambda v: 255 if v > 127 else 0).convert("1")
    if mode == "I":
        return Image.fromarray((RNG.randint(-70000, 70000, size=(13, 17))).astype(np.int32), "I")
    if mode == "F":
        return Image.fromarray(RNG.rand(13, 17).astype(np.float32), "F")
    if mode == "I;16":
        return Image.fromarray(RNG.randint(0, 30000, size=(13, 17)).astype(np.uint16), "I;16")
    return pil_image(mode)


@pytest.mark.parametrize("mode", PIL_MODES)
def test_to_tensor_pil(mode):
    img = _pil_of_mode(mode)
    assert_same_tensor(T.ToTensor()(img), TV.ToTensor()(img))


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P", "I", "F", "LA"])
def test_pil_to_tensor(mode):
    img = _pil_of_mode(mode)
    assert_same_tensor(T.PILToTensor()(img), TV.PILToTensor()(img))


@pytest.mark.parametrize("dtype,shape", [(np.uint8, (13, 17, 3)), (np.uint8, (13, 17)),
                                         (np.float32, (5, 6, 2)), (np.float64, (5, 6, 1)),
                                         (np.int32, (4, 3, 3)), (np.int16, (4, 3))])
def test_to_tensor_numpy(dtype, shape):
    array = (RNG.rand(*shape) * 200).astype(dtype)
    assert_same_tensor(T.ToTensor()(array), TV.ToTensor()(array))


def test_to_tensor_errors():
    for bad in ([1, 2, 3], torsh.zeros(3, 4, 4)):
        with pytest.raises(TypeError):
            T.ToTensor()(bad)
    with pytest.raises(ValueError):
        T.ToTensor()(np.zeros((2, 2, 2, 2), np.uint8))
    with pytest.raises(TypeError):
        T.PILToTensor()(np.zeros((2, 2), np.uint8))


@pytest.mark.parametrize("case", [
    ("float32 CHW", np.float32, (3, 13, 17), False),
    ("float64 batch", np.float64, (2, 3, 5, 4), False),
    ("float32 inplace", np.float32, (3, 6, 7), True),
])
def test_normalize(case):
    _, dtype, shape, inplace = case
    mean, std = [0.1, 0.5, 0.9], [0.25, 1.5, 0.3]
    ours_in, ref_in = both(RNG.rand(*shape).astype(dtype))
    out = T.Normalize(mean, std, inplace=inplace)(ours_in)
    ref = TV.Normalize(mean, std, inplace=inplace)(ref_in)
    assert_same_tensor(out, ref)
    assert (out is ours_in) == (ref is ref_in)
    assert_same_tensor(ours_in, ref_in)  # the input changed exactly when torchvision's did


def test_normalize_errors():
    x = torsh.rand(3, 4, 4)
    with pytest.raises(ValueError):
        T.Normalize([0.0] * 3, [1.0, 0.0, 1.0])(x)
    with pytest.raises(TypeError):
        T.Normalize([0.0], [1.0])(torsh.zeros(1, 4, 4, dtype=torsh.uint8))
    with pytest.raises(ValueError):
        T.Normalize([0.0], [1.0])(torsh.rand(4, 4))
    with pytest.raises(TypeError):
        T.Normalize([0.0], [1.0])(pil_image())
    assert repr(T.Normalize((0.5,), (0.2,))) == repr(TV.Normalize((0.5,), (0.2,)))


MODES = ["NEAREST", "BILINEAR", "BICUBIC", "BOX", "HAMMING", "LANCZOS"]
RESIZE_SIZES = [7, [7], (9, 11), 30, (40, 21), 13]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", RESIZE_SIZES, ids=str)
@pytest.mark.parametrize("img_mode,img_size", [("RGB", (17, 13)), ("L", (13, 17)),
                                               ("RGBA", (15, 15))])
def test_resize_pil(mode, size, img_mode, img_size):
    img = pil_image(img_mode, img_size)
    out = T.Resize(size, interpolation=getattr(T.InterpolationMode, mode))(img)
    ref = TV.Resize(size, interpolation=getattr(TV.InterpolationMode, mode))(img)
    assert_same_image(out, ref)


@pytest.mark.parametrize("size,max_size", [(8, 12), (10, 40), ([6], 9)])
def test_resize_max_size(size, max_size):
    img = pil_image("RGB", (29, 11))
    assert_same_image(T.Resize(size, max_size=max_size)(img),
                      TV.Resize(size, max_size=max_size)(img))
    ours, ref = both(RNG.rand(3, 11, 29).astype(np.float32))
    assert_same_tensor(T.Resize(size, max_size=max_size)(ours),
                       TV.Resize(size, max_size=max_size)(ref), atol=2e-6)


# antialias applies to bilinear and bicubic only (nearest with it is an error, checked below)
TENSOR_RESIZE_MODES = [("NEAREST", None), ("NEAREST", False), ("BILINEAR", None),
                       ("BILINEAR", False), ("BILINEAR", True), ("BICUBIC", None),
                       ("BICUBIC", False), ("BICUBIC", True)]


@pytest.mark.parametrize("mode,antialias", TENSOR_RESIZE_MODES, ids=str)
@pytest.mark.parametrize("size", [7, (9, 11), 30, (26, 8)], ids=str)
@pytest.mark.parametrize("shape", [(3, 13, 17), (2, 3, 17, 13)], ids=str)
def test_resize_tensor_float(mode, antialias, size, shape):
    ours, ref = both(RNG.rand(*shape).astype(np.float32))
    out = T.Resize(size, getattr(T.InterpolationMode, mode), antialias=antialias)(ours)
    expected = TV.Resize(size, getattr(TV.InterpolationMode, mode), antialias=antialias)(ref)
    assert_same_tensor(out, expected, atol=0 if mode == "NEAREST" else 5e-6)


@pytest.mark.parametrize("mode,antialias", TENSOR_RESIZE_MODES[1:], ids=str)
def test_resize_tensor_uint8(mode, antialias):
    ours, ref = both(RNG.randint(0, 256, size=(3, 23, 31)).astype(np.uint8))
    for size in [9, (40, 17), 50]:
        out = T.Resize(size, getattr(T.InterpolationMode, mode), antialias=antialias)(ours)
        expected = TV.Resize(size, getattr(TV.InterpolationMode, mode),
                             antialias=antialias)(ref)
        assert str(out.dtype) == "torch.uint8" and tuple(out.shape) == tuple(expected.shape)
        diff = np.abs(to_np(out).astype(int) - to_np(expected).astype(int))
        assert diff.max() <= (0 if mode == "NEAREST" else 1)
        # a one-step difference only where torchvision's float value is a rounding tie
        exact = to_np(TV.Resize(size, getattr(TV.InterpolationMode, mode),
                                antialias=antialias)(ref.float()))
        ties = np.abs(exact - np.floor(exact) - 0.5) < 1e-3
        assert not np.any((diff != 0) & ~ties)


def test_resize_same_size_and_errors():
    x = torsh.rand(3, 8, 8)
    assert T.Resize(8)(x) is x
    img = pil_image()
    with pytest.raises(ValueError):
        T.Resize(5, antialias=True, interpolation=T.InterpolationMode.NEAREST)(x)
    with pytest.raises(ValueError):
        T.Resize(5, interpolation=T.InterpolationMode.LANCZOS)(x)
    for lib in (T, TV):
        with pytest.raises(TypeError):
            lib.Resize(5, interpolation="bilinear")(img)
        with pytest.raises(TypeError):
            lib.Resize(8.5)
    with pytest.raises(ValueError):
        T.Resize((1, 2, 3))
    with pytest.raises(ValueError):
        TF.resize(img, (8, 9), max_size=10)
    with pytest.raises(ValueError):
        TF.resize(img, 8, max_size=8)
    with pytest.warns(UserWarning):
        legacy = T.Resize(8, interpolation=0)
    assert legacy.interpolation == T.InterpolationMode.NEAREST
    assert repr(T.Resize(8)) == repr(TV.Resize(8))


CROP_SIZES = [5, (7, 3), [4], 13, (20, 9), (30, 40), (12, 16)]


@pytest.mark.parametrize("size", CROP_SIZES, ids=str)
def test_center_crop(size):
    img = pil_image("RGB", (16, 13))
    assert_same_image(T.CenterCrop(size)(img), TV.CenterCrop(size)(img))
    ours, ref = both(RNG.rand(2, 3, 13, 16).astype(np.float32))
    assert_same_tensor(T.CenterCrop(size)(ours), TV.CenterCrop(size)(ref))
    ours, ref = both(RNG.randint(0, 256, size=(13, 16)).astype(np.uint8))
    assert_same_tensor(T.CenterCrop(size)(ours), TV.CenterCrop(size)(ref))


@pytest.mark.parametrize("top,left,height,width", [(2, 3, 5, 6), (-2, -3, 5, 6), (10, 12, 6, 8),
                                                   (-1, 4, 20, 3)])
def test_crop(top, left, height, width):
    img = pil_image("RGB", (16, 13))
    assert_same_image(TF.crop(img, top, left, height, width),
                      TVF.crop(img, top, left, height, width))
    ours, ref = both(RNG.rand(3, 13, 16).astype(np.float32))
    assert_same_tensor(TF.crop(ours, top, left, height, width),
                       TVF.crop(ref, top, left, height, width))


PAD_CASES = [(3, 0, "constant"), ((1, 2), 7, "constant"), ((1, 2, 3, 4), 200, "constant"),
             (2, 0, "edge"), ((1, 0, 3, 2), 0, "reflect"), ((2, 3), 0, "symmetric"),
             ([4], 0, "reflect"), ((4, 1, 0, 5), 0, "symmetric"), ((0, 3, 0, 1), 0, "edge")]


@pytest.mark.parametrize("padding,fill,mode", PAD_CASES, ids=str)
def test_pad(padding, fill, mode):
    for img_mode in ("RGB", "L", "P"):
        img = pil_image(img_mode, (9, 7))
        assert_same_image(T.Pad(padding, fill, mode)(img), TV.Pad(padding, fill, mode)(img))
    for dtype, shape in [(np.float32, (3, 7, 9)), (np.uint8, (7, 9)), (np.float64, (2, 1, 7, 9))]:
        if mode == "symmetric" and len(shape) == 2:
            continue  # torchvision's symmetric padding takes 3-D or 4-D tensors only
        ours, ref = both((RNG.rand(*shape) * 255).astype(dtype))
        assert_same_tensor(T.Pad(padding, fill, mode)(ours), TV.Pad(padding, fill, mode)(ref))


def test_pad_fill_tuple_and_negative():
    img = pil_image("RGB", (9, 7))
    assert_same_image(T.Pad(2, fill=(10, 20, 30))(img), TV.Pad(2, fill=(10, 20, 30))(img))
    for mode in ("edge", "reflect", "symmetric"):
        assert_same_image(TF.pad(img, [-1, 2, 1, -2], padding_mode=mode),
                          TVF.pad(img, [-1, 2, 1, -2], padding_mode=mode))
    ours, ref = both(RNG.rand(3, 7, 9).astype(np.float32))
    assert_same_tensor(TF.pad(ours, [-1, 2, 1, -2], padding_mode="symmetric"),
                       TVF.pad(ref, [-1, 2, 1, -2], padding_mode="symmetric"))
    with pytest.raises(ValueError):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError):
        T.Pad(1, fill=(1, 2))(img)


@pytest.mark.parametrize("flip", ["hflip", "vflip"])
def test_flips(flip):
    img = pil_image()
    assert_same_image(getattr(TF, flip)(img), getattr(TVF, flip)(img))
    ours, ref = both(RNG.rand(2, 3, 5, 7).astype(np.float32))
    assert_same_tensor(getattr(TF, flip)(ours), getattr(TVF, flip)(ref))


@pytest.mark.parametrize("src,dst", [("uint8", "float32"), ("uint8", "float64"),
                                     ("float32", "uint8"), ("float64", "int16"),
                                     ("uint8", "int32"), ("int32", "uint8"), ("int16", "int64"),
                                     ("float32", "float64"), ("uint8", "uint8")])
def test_convert_image_dtype(src, dst):
    if src.startswith("float"):
        data = RNG.rand(3, 4, 5).astype(src)
    else:
        data = RNG.randint(0, np.iinfo(src).max, size=(3, 4, 5)).astype(src)
    ours, ref = both(data)
    out = T.ConvertImageDtype(getattr(torsh, dst))(ours)
    expected = TV.ConvertImageDtype(getattr(torch, dst))(ref)
    assert_same_tensor(out, expected)


def test_convert_image_dtype_unsafe():
    for src, dst in [("float32", "int32"), ("float32", "int64"), ("float64", "int64")]:
        with pytest.raises(RuntimeError):
            TV.ConvertImageDtype(getattr(torch, dst))(torch.zeros(1, 2, 2, dtype=getattr(torch,
                                                                                        src)))
        with pytest.raises(RuntimeError):
            T.ConvertImageDtype(getattr(torsh, dst))(torsh.zeros(1, 2, 2,
                                                                 dtype=getattr(torsh, src)))


@pytest.mark.parametrize("case", ["float CHW", "uint8 RGB", "uint8 gray", "float 2-D", "RGBA",
                                  "numpy HWC", "numpy LA", "int32 gray", "F mode"])
def test_to_pil_image(case):
    data, mode = {
        "float CHW": (RNG.rand(3, 6, 5).astype(np.float32), None),
        "uint8 RGB": (RNG.randint(0, 256, (3, 6, 5)).astype(np.uint8), None),
        "uint8 gray": (RNG.randint(0, 256, (1, 6, 5)).astype(np.uint8), None),
        "float 2-D": (RNG.rand(6, 5).astype(np.float32), None),
        "RGBA": (RNG.randint(0, 256, (4, 6, 5)).astype(np.uint8), None),
        "numpy HWC": (RNG.randint(0, 256, (6, 5, 3)).astype(np.uint8), None),
        "numpy LA": (RNG.randint(0, 256, (6, 5, 2)).astype(np.uint8), None),
        "int32 gray": (RNG.randint(0, 9999, (1, 6, 5)).astype(np.int32), None),
        "F mode": (RNG.rand(1, 6, 5).astype(np.float32), "F"),
    }[case]
    if case.startswith("numpy"):
        ours, ref = data, data
    else:
        ours, ref = both(data)
    assert_same_image(T.ToPILImage(mode)(ours), TV.ToPILImage(mode)(ref))


def test_lambda_and_compose_repr():
    with pytest.raises(TypeError):
        T.Lambda(3)
    assert T.Lambda(lambda x: x * 2)(21) == 42
    ours = T.Compose([T.Resize(8), T.CenterCrop(6), T.ToTensor(), T.Lambda(lambda x: x)])
    ref = TV.Compose([TV.Resize(8), TV.CenterCrop(6), TV.ToTensor(), TV.Lambda(lambda x: x)])
    assert repr(ours) == repr(ref)
    assert repr(T.RandomCrop(4, padding=2)) == repr(TV.RandomCrop(4, padding=2))
    assert repr(T.RandomHorizontalFlip(0.3)) == repr(TV.RandomHorizontalFlip(0.3))
    assert repr(T.Pad(2)) == repr(TV.Pad(2))
    assert repr(T.ToPILImage("RGB")) == repr(TV.ToPILImage("RGB"))


# ---------------------------------------------------------------------------------------------
# seeded random transforms


def _run_seeded(ours_fn, ref_fn, seed, repeats):
    torsh.manual_seed(seed)
    torch.manual_seed(seed)
    return [ours_fn() for _ in range(repeats)], [ref_fn() for _ in range(repeats)]


RANDOM_CROP_CASES = [
    dict(size=8), dict(size=(5, 11)), dict(size=13, padding=2),
    dict(size=(20, 18), pad_if_needed=True, fill=9), dict(size=10, padding=(1, 3),
                                                         padding_mode="reflect"),
    dict(size=(15, 19), padding=[1, 2, 3, 4], pad_if_needed=True, padding_mode="edge"),
    dict(size=(13, 16)), dict(size=(25, 30), pad_if_needed=True, padding_mode="symmetric"),
]


@pytest.mark.parametrize("kwargs", RANDOM_CROP_CASES, ids=str)
@pytest.mark.parametrize("seed", [0, 1, 1234])
def test_random_crop_seeded(kwargs, seed):
    img = pil_image("RGB", (16, 13))
    ours, ref = _run_seeded(lambda: T.RandomCrop(**kwargs)(img),
                            lambda: TV.RandomCrop(**kwargs)(img), seed, 6)
    for a, b in zip(ours, ref):
        assert_same_image(a, b)
    ours_in, ref_in = both(RNG.rand(3, 13, 16).astype(np.float32))
    ours, ref = _run_seeded(lambda: T.RandomCrop(**kwargs)(ours_in),
                            lambda: TV.RandomCrop(**kwargs)(ref_in), seed, 6)
    for a, b in zip(ours, ref):
        assert_same_tensor(a, b)


def test_random_crop_get_params_and_errors():
    img = pil_image("RGB", (40, 30))
    ours, ref = _run_seeded(lambda: T.RandomCrop.get_params(img, (7, 9)),
                            lambda: TV.RandomCrop.get_params(img, (7, 9)), 42, 50)
    assert ours == ref
    with pytest.raises(ValueError):
        T.RandomCrop(50)(img)
    # the generators stayed in step: the next draws agree too
    assert torsh.rand(3).tolist() == pytest.approx(torch.rand(3).tolist(), abs=0)


@pytest.mark.parametrize("cls", ["RandomHorizontalFlip", "RandomVerticalFlip"])
@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_random_flip_seeded(cls, p):
    img = pil_image()
    ours, ref = _run_seeded(lambda: getattr(T, cls)(p)(img), lambda: getattr(TV, cls)(p)(img),
                            5, 20)
    for a, b in zip(ours, ref):
        assert_same_image(a, b)
    ours_in, ref_in = both(RNG.rand(3, 5, 7).astype(np.float32))
    ours, ref = _run_seeded(lambda: getattr(T, cls)(p)(ours_in),
                            lambda: getattr(TV, cls)(p)(ref_in), 6, 20)
    for a, b in zip(ours, ref):
        assert_same_tensor(a, b)


def test_seeded_augmentation_pipeline_on_dataset(image_tree):
    tf = T.Compose([T.Resize(14), T.RandomCrop(12, padding=2, padding_mode="reflect"),
                    T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize([0.5] * 3, [0.25] * 3)])
    ref_tf = TV.Compose([TV.Resize(14), TV.RandomCrop(12, padding=2, padding_mode="reflect"),
                         TV.RandomHorizontalFlip(), TV.ToTensor(),
                         TV.Normalize([0.5] * 3, [0.25] * 3)])
    ours = datasets.ImageFolder(image_tree, transform=tf)
    ref = torchvision.datasets.ImageFolder(image_tree, transform=ref_tf)
    got, expected = _run_seeded(lambda: [ours[i][0] for i in range(len(ours))],
                                lambda: [ref[i][0] for i in range(len(ref))], 99, 3)
    for batch, ref_batch in zip(got, expected):
        for a, b in zip(batch, ref_batch):
            assert_same_tensor(a, b, atol=1e-6)


def test_package_layout():
    import torsh.vision.datasets
    import torsh.vision.transforms
    assert torsh.vision.datasets is datasets and torsh.vision.transforms is T
    assert torsh.vision.get_image_backend() == torchvision.get_image_backend()
    assert T.functional is TF
