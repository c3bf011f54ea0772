"""torsh.vision.transforms.functional: the functional image ops of torchvision 0.14, each
taking a PIL image or a torsh tensor image ([..., C, H, W]) and dispatching on its type."""
import numbers
import warnings
from enum import Enum

import numpy as np
from PIL import Image

import torsh
from torsh.vision.transforms import _functional_pil as F_pil
from torsh.vision.transforms import _functional_tensor as F_t

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image",
           "convert_image_dtype", "normalize", "resize", "pad", "crop", "center_crop", "hflip",
           "vflip", "get_dimensions", "get_image_size", "get_image_num_channels"]


class InterpolationMode(Enum):
    """Interpolation filters; tensors support NEAREST, BILINEAR and BICUBIC, PIL images all."""
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_Resampling = getattr(Image, "Resampling", Image)
_PIL_FILTER = {"nearest": _Resampling.NEAREST, "bilinear": _Resampling.BILINEAR,
               "bicubic": _Resampling.BICUBIC, "box": _Resampling.BOX,
               "hamming": _Resampling.HAMMING, "lanczos": _Resampling.LANCZOS}
# the deprecated integer codes (PIL's filter numbers)
_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
             3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
             5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}


def _interpolation_mode(interpolation):
    """An InterpolationMode from ours, from an equal-valued enum member (torchvision's), or
    from a deprecated PIL integer code."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int) and not isinstance(interpolation, bool):
        warnings.warn("Argument 'interpolation' of type int is deprecated since 0.13 and will be "
                      "removed in 0.15. Please use InterpolationMode enum.")
        return _FROM_INT[interpolation]
    if isinstance(interpolation, Enum) and isinstance(interpolation.value, str):
        try:
            return InterpolationMode(interpolation.value)
        except ValueError:
            pass
    raise TypeError("Argument interpolation should be a InterpolationMode")


def _is_tensor(img):
    return isinstance(img, torsh.Tensor)


def get_dimensions(img):
    """[channels, height, width] of a PIL image or tensor image."""
    return F_t.get_dimensions(img) if _is_tensor(img) else F_pil.get_dimensions(img)


def get_image_size(img):
    """[width, height] of the image."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def to_tensor(pic):
    """A PIL image or an HWC numpy array as a CHW tensor: uint8 data becomes the default float
    dtype divided by 255; other dtypes (PIL modes I, I;16, F) keep their values."""
    is_np = isinstance(pic, np.ndarray)
    if not (F_pil.is_pil_image(pic) or is_np):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if is_np:
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        img = torsh.from_numpy(pic.transpose((2, 0, 1))).contiguous()
    else:
        np_dtype = {"I": np.int32, "I;16": np.int16, "F": np.float32}.get(pic.mode, np.uint8)
        img = torsh.from_numpy(np.array(pic, np_dtype, copy=True))
        if pic.mode == "1":
            img = 255 * img
        img = img.view(pic.size[1], pic.size[0], len(pic.getbands()))
        img = img.permute((2, 0, 1)).contiguous()
    if img.dtype == torsh.uint8:
        return img.to(dtype=torsh.get_default_dtype()).div(255)
    return img


def pil_to_tensor(pic):
    """A PIL image as a CHW tensor of its own dtype (a copy; a permuted view of HWC data)."""
    if not F_pil.is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    img = torsh.as_tensor(np.array(pic, copy=True))
    img = img.view(pic.size[1], pic.size[0], len(pic.getbands()))
    return img.permute((2, 0, 1))


def to_pil_image(pic, mode=None):
    """A CHW tensor or HWC numpy array as a PIL image (float tensors are scaled by 255 unless
    mode is 'F'); the mode follows torchvision's rules for 1 to 4 channels."""
    if not (_is_tensor(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if _is_tensor(pic):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        if pic.is_floating_point() and mode != "F":
            pic = pic.mul(255).byte()
        npimg = np.transpose(pic.cpu().numpy(), (1, 2, 0))
    else:
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} "
                             "channels.")
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                    np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. "
                             f"Should be {expected}")
        mode = expected
    else:
        permitted, default = {2: (["LA"], "LA"), 3: (["RGB", "YCbCr", "HSV"], "RGB"),
                              4: (["RGBA", "CMYK", "RGBX"], "RGBA")}[channels]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for {channels}D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = default
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return Image.fromarray(npimg, mode=mode)


def convert_image_dtype(image, dtype=torsh.float32):
    """A tensor image cast to `dtype`, values rescaled between the types' ranges."""
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    return F_t.convert_image_dtype(image, dtype)


def normalize(tensor, mean, std, inplace=False):
    """A float tensor image normalized per channel: (x - mean) / std."""
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


def _resized_size(height, width, size, max_size):
    """torchvision's output size: one number matches the smaller edge (the other edge is
    int(size * long / short)), optionally capped by max_size; two are (h, w)."""
    if len(size) == 2:
        return [size[0], size[1]]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                             f"size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=None):
    """The image resized to `size` ((h, w), or an int for the smaller edge). PIL images use
    PIL's filter (always antialiased) and equal torchvision's exactly; tensors use
    torsh.nn.functional.interpolate, whose float results agree with torch's to rounding (not
    bit for bit), so integer tensor images, rounded back from float32, can differ from
    torchvision's by one where the exact value is a .5 tie."""
    interpolation = _interpolation_mode(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError("Size must be an int or a 1 or 2 element tuple/list, not a "
                             f"{len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the "
                             "smaller edge, i.e. size should be an int or a sequence of length 1 "
                             "in torchscript mode.")
    _, height, width = get_dimensions(img)
    size = [size] if isinstance(size, int) else list(size)
    output_size = _resized_size(height, width, size, max_size)
    if [height, width] == output_size:
        return img
    if not _is_tensor(img):
        if antialias is not None and not antialias:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                          "antialias is ignored.")
        return F_pil.resize(img, output_size, _PIL_FILTER[interpolation.value])
    return F_t.resize(img, output_size, interpolation=interpolation.value, antialias=antialias)


def pad(img, padding, fill=0, padding_mode="constant"):
    """The image padded on each side (padding: int, (lr, tb) or (l, t, r, b)); modes constant,
    edge, reflect, symmetric."""
    if _is_tensor(img):
        return F_t.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)
    return F_pil.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)


def crop(img, top, left, height, width):
    """The [height, width] box at (top, left); outside the image is zero."""
    if _is_tensor(img):
        return F_t.crop(img, top, left, height, width)
    return F_pil.crop(img, top, left, height, width)


def center_crop(img, output_size):
    """The centered crop of `output_size` (int or (h, w)), zero-padding an image that is smaller
    than the crop."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, height, width = get_dimensions(img)
    crop_h, crop_w = output_size
    if crop_w > width or crop_h > height:
        grow_w, grow_h = max(crop_w - width, 0), max(crop_h - height, 0)
        img = pad(img, [grow_w // 2, grow_h // 2, (grow_w + 1) // 2, (grow_h + 1) // 2], fill=0)
        _, height, width = get_dimensions(img)
        if (crop_h, crop_w) == (height, width):
            return img
    top = int(round((height - crop_h) / 2.0))
    left = int(round((width - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def hflip(img):
    """The image mirrored left-right."""
    return F_t.hflip(img) if _is_tensor(img) else F_pil.hflip(img)


def vflip(img):
    """The image mirrored top-bottom."""
    return F_t.vflip(img) if _is_tensor(img) else F_pil.vflip(img)
