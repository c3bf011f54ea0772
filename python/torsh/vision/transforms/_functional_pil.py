"""The PIL-image half of torsh.vision.transforms.functional (torchvision's functional_pil)."""
import numbers

import numpy as np
from PIL import Image, ImageOps

_Transpose = getattr(Image, "Transpose", Image)


def is_pil_image(img):
    return isinstance(img, Image.Image)


def _require_pil(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img):
    """[channels, height, width] of a PIL image."""
    _require_pil(img)
    width, height = img.size
    return [len(img.getbands()), height, width]


def hflip(img):
    _require_pil(img)
    return img.transpose(_Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    _require_pil(img)
    return img.transpose(_Transpose.FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    """The box of `height` x `width` at (top, left); PIL fills what lies outside with 0."""
    _require_pil(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, resample):
    """`img` resized to size = [height, width] with PIL's `resample` filter."""
    _require_pil(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize((size[1], size[0]), resample)


def _fill_option(fill, img):
    """`fill` as PIL's expand() wants it: one value per band, ints unless the mode is 'F'."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = (fill,) * bands
    if isinstance(fill, (list, tuple)):
        if len(fill) != bands:
            raise ValueError("The number of elements in 'fill' does not match the number of "
                             f"channels of the image ({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(v) for v in fill) if isinstance(fill, tuple) else int(fill)
    return fill


def _ltrb(padding):
    """(left, top, right, bottom) from an int or a 1-, 2- or 4-sequence."""
    if isinstance(padding, numbers.Number):
        return (padding,) * 4
    if len(padding) == 1:
        return (padding[0],) * 4
    if len(padding) == 2:
        return (padding[0], padding[1], padding[0], padding[1])
    return tuple(padding)


def pad(img, padding, fill=0, padding_mode="constant"):
    """`img` padded on each side: constant (with `fill`) through PIL, edge / reflect /
    symmetric through numpy; negative paddings crop."""
    _require_pil(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if isinstance(padding, (tuple, list)) and len(padding) == 1:
        padding = padding[0]
    palette = img.getpalette() if img.mode == "P" else None
    if padding_mode == "constant":
        border = tuple(padding) if isinstance(padding, list) else padding
        out = ImageOps.expand(img, border=border, fill=_fill_option(fill, img))
    else:
        left, top, right, bottom = _ltrb(padding)
        if min(left, top, right, bottom) < 0:
            img = img.crop((max(-left, 0), max(-top, 0), img.width - max(-right, 0),
                            img.height - max(-bottom, 0)))
            left, top, right, bottom = (max(v, 0) for v in (left, top, right, bottom))
        array = np.asarray(img)
        widths = [(top, bottom), (left, right)] + [(0, 0)] * (array.ndim - 2)
        out = Image.fromarray(np.pad(array, widths, mode=padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out
