"""The tensor half of torsh.vision.transforms.functional (torchvision's functional_tensor):
images are tensors of shape [..., C, H, W] (or [H, W])."""
import torsh
import torsh.nn.functional as nnF

_INT_MAX = {torsh.uint8: 255, torsh.int8: 127, torsh.int16: 32767, torsh.int32: 2147483647,
            torsh.int64: 9223372036854775807}


def require_image(img):
    if not (isinstance(img, torsh.Tensor) and img.ndim >= 2):
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    """[channels, height, width] of a tensor image ([H, W] counts one channel)."""
    require_image(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def hflip(img):
    require_image(img)
    return img.flip(-1)


def vflip(img):
    require_image(img)
    return img.flip(-2)


def _max_value(dtype):
    return _INT_MAX.get(dtype, 1)


def convert_image_dtype(image, dtype=torsh.float32):
    """`image` cast to `dtype` with its values rescaled between the ranges [0, 1] (floats) and
    [0, MAX] (integer types), as torchvision's convert_image_dtype."""
    if image.dtype == dtype:
        return image
    to_float = dtype.is_floating_point
    if image.is_floating_point():
        if to_float:
            return image.to(dtype)
        if (image.dtype == torsh.float32 and dtype in (torsh.int32, torsh.int64)) or (
                image.dtype == torsh.float64 and dtype == torsh.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               "safely.")
        # scaling by MAX + 1 - eps spreads [0, 1] evenly over the integers 0..MAX
        return image.mul(float(_max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    input_max = float(_max_value(image.dtype))
    if to_float:
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return torsh.div(image, factor, rounding_mode="floor").to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float [..., C, H, W] tensor."""
    require_image(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = torsh.as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = torsh.as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if bool((std == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         "division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def _lrtb(padding):
    """[left, right, top, bottom] from an int or a 1-, 2- or 4-sequence (left, top, right,
    bottom)."""
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def _mirror_indices(size, before, after):
    """Indices along one dim for symmetric padding: the edge value is repeated."""
    return list(range(before - 1, -1, -1)) + list(range(size)) + \
        [size - 1 - i for i in range(after)]


def _pad_symmetric(img, left, right, top, bottom):
    if min(left, right, top, bottom) < 0:
        h, w = img.shape[-2], img.shape[-1]
        img = img[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
        left, right, top, bottom = (max(v, 0) for v in (left, right, top, bottom))
    rows = torsh.tensor(_mirror_indices(img.shape[-2], top, bottom), device=img.device)
    cols = torsh.tensor(_mirror_indices(img.shape[-1], left, right), device=img.device)
    return img.index_select(img.ndim - 2, rows).index_select(img.ndim - 1, cols)


def pad(img, padding, fill=0, padding_mode="constant"):
    """`img` padded on its last two dims; modes constant (with `fill`), edge, reflect and
    symmetric (which, unlike torchvision's, also takes [H, W] and 5-D+ tensors)."""
    require_image(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    lrtb = _lrtb(padding)
    if padding_mode == "symmetric":
        return _pad_symmetric(img, *lrtb)
    squeeze = img.ndim < 4
    if squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    # reflect / replicate padding work on floating tensors only
    cast = padding_mode != "constant" and out_dtype not in (torsh.float32, torsh.float64)
    if cast:
        img = img.to(torsh.float32)
    if padding_mode == "constant":
        img = nnF.pad(img, lrtb, mode="constant", value=float(fill))
    else:
        img = nnF.pad(img, lrtb, mode="replicate" if padding_mode == "edge" else "reflect")
    if squeeze:
        img = img.squeeze(0)
    return img.to(out_dtype) if cast else img


def crop(img, top, left, height, width):
    """The [height, width] window at (top, left); the part outside the image is zeros."""
    require_image(img)
    h, w = img.shape[-2], img.shape[-1]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        inside = img[..., max(top, 0):bottom, max(left, 0):right]
        return pad(inside, ltrb, fill=0)
    return img[..., top:bottom, left:right]


def resize(img, size, interpolation="bilinear", antialias=None):
    """`img` resized to size = [height, width] by torsh.nn.functional.interpolate (as
    torchvision: integer images go through float32 and are rounded back; see
    functional.resize for how the values compare with torchvision's)."""
    require_image(img)
    size = list(size)
    antialias = bool(antialias)
    if antialias and interpolation not in ("bilinear", "bicubic"):
        raise ValueError("Antialias option is supported for bilinear and bicubic interpolation "
                         "modes only")
    if interpolation not in ("nearest", "bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor "
                         "input")
    squeeze = img.ndim < 4
    if squeeze:
        img = img.unsqueeze(0)
    out_dtype = img.dtype
    cast = out_dtype not in (torsh.float32, torsh.float64)
    if cast:
        img = img.to(torsh.float32)
    align = None if interpolation == "nearest" else False
    img = nnF.interpolate(img, size=size, mode=interpolation, align_corners=align,
                          antialias=antialias)
    if interpolation == "bicubic" and out_dtype == torsh.uint8:
        img = img.clamp(min=0, max=255)
    if squeeze:
        img = img.squeeze(0)
    if cast:
        if not out_dtype.is_floating_point:
            img = torsh.round(img)
        img = img.to(out_dtype)
    return img
