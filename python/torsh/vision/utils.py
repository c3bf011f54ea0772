"""torchvision.utils (0.14): make_grid tiles a batch of images into one image tensor, and
save_image writes a tensor (or a batch, as a grid) to an image file through PIL."""
import math

import torsh

__all__ = ["make_grid", "save_image"]


def _normalize_(img, low, high):
    img.clamp_(min=low, max=high)
    img.sub_(low).div_(max(high - low, 1e-5))


def _normalize_range_(t, value_range):
    if value_range is not None:
        _normalize_(t, value_range[0], value_range[1])
    else:
        _normalize_(t, float(t.min()), float(t.max()))


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0, **kwargs):
    """A (C, H', W') grid of the images of a (B, C, H, W) batch (or a list of (C, H, W)
    images): `nrow` per row, `padding` pixels of `pad_value` around each. Single-channel
    images become three-channel; with `normalize`, values are mapped to [0, 1] by
    `value_range` (or the min and max, per image with `scale_each`)."""
    del kwargs
    with torsh.no_grad():
        if not torsh.is_tensor(tensor):
            if isinstance(tensor, list):
                for t in tensor:
                    if not torsh.is_tensor(t):
                        raise TypeError(f"tensor or list of tensors expected, got a list "
                                        f"containing {type(t)}")
            else:
                raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
        if isinstance(tensor, list):
            tensor = torsh.stack(tensor, dim=0)
        if tensor.dim() == 2:
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 3:
            if tensor.size(0) == 1:
                tensor = torsh.cat((tensor, tensor, tensor), 0)
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 4 and tensor.size(1) == 1:
            tensor = torsh.cat((tensor, tensor, tensor), 1)
        if normalize is True:
            tensor = tensor.clone()
            if value_range is not None and not isinstance(value_range, tuple):
                raise TypeError("value_range has to be a tuple (min, max) if specified. min "
                                "and max are numbers")
            if scale_each is True:
                for t in tensor:
                    _normalize_range_(t, value_range)
            else:
                _normalize_range_(tensor, value_range)
        if tensor.size(0) == 1:
            return tensor.squeeze(0)
        nmaps = tensor.size(0)
        xmaps = min(nrow, nmaps)
        ymaps = int(math.ceil(float(nmaps) / xmaps))
        height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
        grid = tensor.new_full((tensor.size(1), height * ymaps + padding,
                                width * xmaps + padding), pad_value)
        k = 0
        for y in range(ymaps):
            for x in range(xmaps):
                if k >= nmaps:
                    break
                grid.narrow(1, y * height + padding, height - padding).narrow(
                    2, x * width + padding, width - padding).copy_(tensor[k])
                k += 1
        return grid


def save_image(tensor, fp, format=None, **kwargs):
    """Writes `tensor` (a (C, H, W) image with values in [0, 1], or a batch, tiled by
    make_grid with `kwargs`) to `fp` (a path or file object; `format` names the image format
    when fp has no extension), rounded to 8 bits."""
    from PIL import Image

    with torsh.no_grad():
        grid = make_grid(tensor, **kwargs)
        ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(
            "cpu", torsh.uint8).numpy()
    Image.fromarray(ndarr).save(fp, format=format)
